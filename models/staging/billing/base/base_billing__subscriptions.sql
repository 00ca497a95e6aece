{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('billing', 'subscriptions'),
    columns=[
        'subscription_id',
        'account_id',
        'product_module',
        'plan',
        'mrr_amount',
        'currency',
        'started_on',
        'ended_on',
    ],
    key_columns=['subscription_id'],
    types={
        'mrr_amount': 'double',
        'started_on': 'date',
        'ended_on': 'date',
    },
    min_values={'mrr_amount': 0},
    lowercase_columns=['product_module', 'plan'],
    currency_column='currency',
    foreign_keys=[
        {'column': 'account_id', 'parent': source('crm', 'accounts'), 'parent_column': 'account_id'},
    ]
) }}
