{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('crm', 'leads'),
    columns=[
        'lead_id',
        'company_name',
        'industry',
        'acquisition_channel',
        'campaign_id',
        'referred_by_account_id',
        'status',
        'created_at',
        'converted_account_id',
        'converted_at',
    ],
    key_columns=['lead_id'],
    types={
        'created_at': 'timestamp',
        'converted_at': 'timestamp',
    },
    accepted_values={'status': ['open', 'converted', 'disqualified']},
    lowercase_columns=['industry', 'acquisition_channel', 'status'],
    recorded_at_column='created_at',
    foreign_keys=[
        {'column': 'campaign_id', 'parent': source('marketing', 'campaigns'), 'parent_column': 'campaign_id'},
        {'column': 'referred_by_account_id', 'parent': source('crm', 'accounts'), 'parent_column': 'account_id'},
        {'column': 'converted_account_id', 'parent': source('crm', 'accounts'), 'parent_column': 'account_id'},
    ]
) }}
