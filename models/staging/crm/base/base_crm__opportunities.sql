{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('crm', 'opportunities'),
    columns=[
        'opportunity_id',
        'account_id',
        'opportunity_type',
        'product_module',
        'amount',
        'currency',
        'stage',
        'created_at',
        'closed_at',
    ],
    key_columns=['opportunity_id'],
    types={
        'amount': 'double',
        'created_at': 'timestamp',
        'closed_at': 'timestamp',
    },
    accepted_values={
        'opportunity_type': ['new_business', 'upsell', 'cross_sell', 'renewal'],
        'stage': ['open', 'closed_won', 'closed_lost'],
    },
    min_values={'amount': 0},
    lowercase_columns=['opportunity_type', 'product_module', 'stage'],
    currency_column='currency',
    recorded_at_column='created_at',
    foreign_keys=[
        {'column': 'account_id', 'parent': source('crm', 'accounts'), 'parent_column': 'account_id'},
    ]
) }}
