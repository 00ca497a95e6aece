{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('marketing', 'campaigns'),
    columns=[
        'campaign_id',
        'campaign_name',
        'channel',
        'started_on',
        'ended_on',
    ],
    key_columns=['campaign_id'],
    types={
        'started_on': 'date',
        'ended_on': 'date',
    },
    lowercase_columns=['channel']
) }}
