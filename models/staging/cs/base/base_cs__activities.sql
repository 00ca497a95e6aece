{{ config(materialized='table') }}

{#- account_id and activity_kind are required as well as the key: an activity
    without them cannot be matched to any worklist item. performed_by and
    worklist_item_id are not checked: there is no CSM file in the contract,
    and a worklist item id points into a derived table, not a landed file
    (fct_cs_activities flags an unknown one). -#}
{{ stage_landing_rows(
    source_relation=source('cs', 'activities'),
    columns=[
        'activity_id',
        'account_id',
        'activity_kind',
        'performed_at',
        'performed_by',
        'channel',
        'worklist_item_id',
        'notes',
    ],
    key_columns=['activity_id'],
    required_columns=['activity_id', 'account_id', 'activity_kind'],
    types={'performed_at': 'timestamp'},
    accepted_values={
        'activity_kind': [
            'checkin',
            'executive_review',
            'usage_report',
            'training',
            'offer',
            'escalation',
            'other',
        ],
        'channel': ['call', 'meeting', 'email', 'in_app'],
    },
    lowercase_columns=['activity_kind', 'channel'],
    recorded_at_column='performed_at',
    foreign_keys=[
        {'column': 'account_id', 'parent': source('crm', 'accounts'), 'parent_column': 'account_id'},
    ]
) }}
