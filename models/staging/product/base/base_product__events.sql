{#- Incremental by delivery (macros/staging/restage_landing_rows.sql): a
    refresh re-stages only the keys that new or removed deliveries, or a
    parent key that arrived or left, touch (the pre-hooks find them); a full
    refresh stages every row. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='record_key',
    on_schema_change='fail',
    pre_hook=[
        "{% if is_incremental() %}{{ create_restage_keys(source('product', 'events'), 'event_id', {'column': 'account_id', 'parent': source('crm', 'accounts'), 'parent_column': 'account_id'}) }}{% endif %}",
        "{% if is_incremental() %}{{ create_restage_rows() }}{% endif %}",
    ],
    post_hook=[
        "{% if is_incremental() %}{{ delete_removed_landing_rows(source('product', 'events')) }}{% endif %}",
        "{% if is_incremental() %}{{ drop_restage_table('keys') }}{% endif %}",
        "{% if is_incremental() %}{{ drop_restage_table('rows') }}{% endif %}",
    ],
) }}

{%- set accounts_key = {
    'column': 'account_id',
    'parent': source('crm', 'accounts'),
    'parent_column': 'account_id',
} -%}
{%- set landed = source('product', 'events') -%}
{%- if is_incremental() -%}
    {%- set landed = landing_rows_to_restage(landed) -%}
{%- endif %}

with staged_rows as (

{{ stage_landing_rows(
    source_relation=landed,
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
    foreign_keys=[accounts_key]
) }}

),

{# The run's start marks the rows it (re-)staged, so the key tests can
    check only those keys (tests/generic/unique_key.sql). #}
final as (

    select
        *,
        timestamp '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as _staged_at
    from staged_rows

)

select * from final
