{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('billing', 'invoices'),
    columns=[
        'invoice_id',
        'account_id',
        'subscription_id',
        'issued_at',
        'amount',
        'currency',
        'status',
        'paid_at',
    ],
    key_columns=['invoice_id'],
    types={
        'issued_at': 'timestamp',
        'amount': 'double',
        'paid_at': 'timestamp',
    },
    accepted_values={'status': ['paid', 'open', 'void', 'refunded']},
    min_values={'amount': 0},
    lowercase_columns=['status'],
    currency_column='currency',
    recorded_at_column='issued_at',
    foreign_keys=[
        {'column': 'account_id', 'parent': source('crm', 'accounts'), 'parent_column': 'account_id'},
        {'column': 'subscription_id', 'parent': source('billing', 'subscriptions'), 'parent_column': 'subscription_id'},
    ]
) }}
