{{ config(materialized='table') }}

{{ stage_landing_rows(
    source_relation=source('crm', 'accounts'),
    columns=[
        'account_id',
        'account_name',
        'industry',
        'country',
        'employee_count',
        'acquisition_channel',
        'csm_owner_id',
        'created_at',
        'updated_at',
    ],
    key_columns=['account_id', 'updated_at'],
    types={
        'employee_count': 'integer',
        'created_at': 'timestamp',
        'updated_at': 'timestamp',
    },
    min_values={'employee_count': 0},
    lowercase_columns=['industry', 'acquisition_channel'],
    recorded_at_column='updated_at'
) }}
