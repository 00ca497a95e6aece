{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('marketing', 'spend'),
    columns=[
        'spend_date',
        'campaign_id',
        'channel',
        'amount',
        'currency',
    ],
    key_columns=['spend_date', 'campaign_id', 'channel'],
    required_columns=['spend_date', 'channel'],
    types={
        'spend_date': 'date',
        'amount': 'double',
    },
    min_values={'amount': 0},
    lowercase_columns=['channel'],
    currency_column='currency',
    recorded_at_column='spend_date',
    foreign_keys=[
        {'column': 'campaign_id', 'parent': source('marketing', 'campaigns'), 'parent_column': 'campaign_id'},
    ]
) }}
