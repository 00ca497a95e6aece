{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('survey', 'nps_responses'),
    columns=[
        'response_id',
        'account_id',
        'contact_id',
        'score',
        'comment',
        'responded_at',
    ],
    key_columns=['response_id'],
    types={
        'score': 'integer',
        'responded_at': 'timestamp',
    },
    min_values={'score': 0},
    max_values={'score': 10},
    recorded_at_column='responded_at',
    foreign_keys=[
        {'column': 'account_id', 'parent': source('crm', 'accounts'), 'parent_column': 'account_id'},
        {'column': 'contact_id', 'parent': source('crm', 'contacts'), 'parent_column': 'contact_id'},
    ]
) }}
