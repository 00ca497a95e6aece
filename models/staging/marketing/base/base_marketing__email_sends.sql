{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('marketing', 'email_sends'),
    columns=[
        'send_id',
        'campaign_id',
        'experiment_id',
        'variant',
        'lead_id',
        'contact_id',
        'sent_at',
        'opened_at',
        'clicked_at',
        'converted_at',
    ],
    key_columns=['send_id'],
    types={
        'sent_at': 'timestamp',
        'opened_at': 'timestamp',
        'clicked_at': 'timestamp',
        'converted_at': 'timestamp',
    },
    lowercase_columns=['variant'],
    recorded_at_column='sent_at',
    foreign_keys=[
        {'column': 'campaign_id', 'parent': source('marketing', 'campaigns'), 'parent_column': 'campaign_id'},
        {'column': 'lead_id', 'parent': source('crm', 'leads'), 'parent_column': 'lead_id'},
        {'column': 'contact_id', 'parent': source('crm', 'contacts'), 'parent_column': 'contact_id'},
    ]
) }}
