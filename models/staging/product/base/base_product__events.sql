{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('product', 'events'),
    columns=[
        'event_id',
        'account_id',
        'user_id',
        'event_type',
        'feature',
        'occurred_at',
        'duration_seconds',
    ],
    key_columns=['event_id'],
    types={
        'occurred_at': 'timestamp',
        'duration_seconds': 'integer',
    },
    min_values={'duration_seconds': 0},
    lowercase_columns=['event_type', 'feature'],
    recorded_at_column='occurred_at',
    foreign_keys=[
        {'column': 'account_id', 'parent': source('crm', 'accounts'), 'parent_column': 'account_id'},
    ]
) }}
