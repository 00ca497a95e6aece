{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('product', 'trials'),
    columns=[
        'trial_id',
        'account_id',
        'product_module',
        'started_at',
        'ends_at',
    ],
    key_columns=['trial_id'],
    types={
        'started_at': 'timestamp',
        'ends_at': 'timestamp',
    },
    lowercase_columns=['product_module'],
    recorded_at_column='started_at',
    foreign_keys=[
        {'column': 'account_id', 'parent': source('crm', 'accounts'), 'parent_column': 'account_id'},
    ]
) }}
