{#-
    Types one landing table and gives every row either no quarantine reason
    (it is staged) or exactly one (it is quarantined). The checks run in this
    order and the first that fails is the reason:

      missing_key         a required key column, or the recorded-at column, is blank
      unparseable_date    a date/timestamp column has text that is not a date
      unparseable_number  a number column has text that is not a number
      out_of_range        a number outside its range (any number beyond 10^12), or a
                          category outside its set
      unknown_currency    a currency with no rate in seeds/fx_rates.csv, or a blank
                          one: an amount that cannot be converted
      future_timestamp    the row's recorded-at time is later than the load
      orphan_key          a foreign key names no row of its parent's landed file
                          (unchecked when the parent landed no row at all: the
                          contract lets a company lack a file, and a table it
                          does not export cannot make its children orphans)
      duplicate_key       another row with the same key came earlier: in an earlier
                          delivery file of the table, or earlier in the same file

    Orphans are checked against every landed parent key, quarantined or not,
    so one bad parent row does not cascade into its children (an account
    whose CRM rows were all quarantined keeps its subscriptions and invoices,
    and int_accounts_as_of keeps the account, known to billing only). Among rows that
    pass every other check, the first wins and later rows with the same key
    are quarantined as duplicate_key. Rows count in delivery order: by
    _delivery_order (the table's files in the order they were first landed;
    a redelivered file keeps its place), then by position in the file.

    Output: the loader's columns, the typed contract columns, record_key,
    quarantine_reason, and raw_values (the row's original text; only for
    quarantined rows).

    Speed: first-wins ranks rows within their key, and a ranking holds whole
    rows (at size L: 50 M events of some twenty columns, gigabytes spilled to
    disk). Only a key that more than one landed row carries can have a
    duplicate, and few do; so the rows are typed and checked once, streaming,
    and only the rows of repeated keys are typed, checked and ranked again,
    apart, then joined back by their place in the landing.
-#}
{% macro stage_landing_rows(
    source_relation,
    columns,
    key_columns,
    required_columns=none,
    types={},
    lowercase_columns=[],
    accepted_values={},
    min_values={},
    max_values={},
    currency_column=none,
    recorded_at_column=none,
    foreign_keys=[]
) %}
{%- set required_columns = required_columns if required_columns is not none else key_columns -%}
{#- A row without the time it was recorded cannot be placed in time (it
    would reach the daily and monthly rollups as a null day), so its
    recorded-at column is required like a key. -#}
{%- if recorded_at_column and recorded_at_column not in required_columns -%}
    {%- set required_columns = required_columns + [recorded_at_column] -%}
{%- endif -%}
{%- set date_columns = [] -%}
{%- set number_columns = [] -%}
{%- for column, column_type in types.items() -%}
    {%- if column_type in ('date', 'timestamp') %}{% do date_columns.append(column) %}
    {%- else %}{% do number_columns.append(column) %}{% endif -%}
{%- endfor -%}

with landed as (

    select * from {{ source_relation }}

),
{% if currency_column %}
currencies as (

    select distinct upper(currency) as currency_code from {{ ref('fx_rates') }}

),
{% endif %}
{% for foreign_key in foreign_keys %}
parent_keys_{{ loop.index }} as (

    select distinct {{ clean_text(foreign_key.parent_column) }} as parent_key
    from {{ foreign_key.parent }}

),
{% endfor %}
{#- Read again for the repeated keys: the model's input where it is a
    relation (a second scan is cheaper than holding its rows); the CTE where
    it is a query (an incremental model's rows to re-stage, a few). A table
    model asks no is_incremental() (its unit tests have no relation to ask). -#}
{%- set is_restaging = config.get('materialized') == 'incremental' and is_incremental() -%}
{%- set landed_again = 'landed' if is_restaging else source_relation -%}
{%- set key_values = [] -%}
{%- for column in key_columns -%}
    {%- do key_values.append(typed_landing_value(column, types, lowercase_columns, currency_column, 'landed_again')) -%}
{%- endfor %}
repeated_keys as (

    select
        {%- for column in key_columns %}
        {{ key_values[loop.index0] }} as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ landed_again }} as landed_again
    group by all
    having count(*) > 1

),

landed_with_repeated_key as (

    select landed_again.*
    from {{ landed_again }} as landed_again
    inner join repeated_keys
        on
        {%- for column in key_columns %}
        {{ "and " if not loop.first }}{{ key_values[loop.index0] }} is not distinct from repeated_keys.{{ column }}
        {%- endfor %}

),

{% for input, suffix in [('landed', ''), ('landed_with_repeated_key', '_repeated')] %}
typed{{ suffix }} as (

    select
        _delivery_order,
        _landing_row_number,
        _source_file,
        _loaded_at,
        {%- for column in columns %}
        {{ typed_landing_value(column, types, lowercase_columns, currency_column) }} as {{ column }},
        {%- endfor %}
        {%- for column in columns %}
        {{ column }} as _raw_{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ input }}

),

checked{{ suffix }} as (

    select
        typed.*,
        case
            when {% for column in required_columns -%}
                {{ clean_text('typed._raw_' ~ column) }} is null{{ " or " if not loop.last }}
                {%- endfor %}
                then 'missing_key'
            {%- if date_columns %}
            when {% for column in date_columns -%}
                ({{ clean_text('typed._raw_' ~ column) }} is not null and typed.{{ column }} is null)
                {{- " or " if not loop.last }}
                {%- endfor %}
                then 'unparseable_date'
            {%- endif %}
            {%- if number_columns %}
            when {% for column in number_columns -%}
                ({{ clean_text('typed._raw_' ~ column) }} is not null and typed.{{ column }} is null)
                {{- " or " if not loop.last }}
                {%- endfor %}
                then 'unparseable_number'
            {%- endif %}
            {%- for column, minimum in min_values.items() %}
            when typed.{{ column }} < {{ minimum }} then 'out_of_range'
            {%- endfor %}
            {%- for column, maximum in max_values.items() %}
            when typed.{{ column }} > {{ maximum }} then 'out_of_range'
            {%- endfor %}
            {%- for column in number_columns if column not in max_values %}
            {#- Beyond any real amount or count, and the marts' decimal(18, 2)
                could not hold it (or a sum of a few). #}
            when abs(typed.{{ column }}) > 1e12 then 'out_of_range'
            {%- endfor %}
            {%- for column, values in accepted_values.items() %}
            when typed.{{ column }} not in ('{{ values | join("', '") }}') then 'out_of_range'
            {%- endfor %}
            {%- if currency_column %}
            when currencies.currency_code is null then 'unknown_currency'
            {%- endif %}
            {%- if recorded_at_column %}
            {%- if types.get(recorded_at_column) == 'date' %}
            when typed.{{ recorded_at_column }} > cast(typed._loaded_at as date) then 'future_timestamp'
            {%- else %}
            when typed.{{ recorded_at_column }} > typed._loaded_at then 'future_timestamp'
            {%- endif %}
            {%- endif %}
            {%- for foreign_key in foreign_keys %}
            when typed.{{ foreign_key.column }} is not null
                and parent_keys_{{ loop.index }}.parent_key is null
                and exists (select 1 from parent_keys_{{ loop.index }}) then 'orphan_key'
            {%- endfor %}
        end as failed_check
    from typed{{ suffix }} as typed
    {%- if currency_column %}
    left join currencies
        on typed.{{ currency_column }} = currencies.currency_code
    {%- endif %}
    {%- for foreign_key in foreign_keys %}
    left join parent_keys_{{ loop.index }}
        on typed.{{ foreign_key.column }} = parent_keys_{{ loop.index }}.parent_key
    {%- endfor %}

),

{% endfor %}
ranked_repeated as (

    select
        _delivery_order,
        _landing_row_number,
        row_number() over (
            partition by {{ key_columns | join(', ') }}, failed_check
            order by _delivery_order, _landing_row_number
        ) as key_occurrence
    from checked_repeated

),

ranked as (

    select
        checked.*,
        coalesce(ranked_repeated.key_occurrence, 1) as key_occurrence
    from checked
    left join ranked_repeated
        on checked._delivery_order is not distinct from ranked_repeated._delivery_order
        and checked._landing_row_number is not distinct from ranked_repeated._landing_row_number

),

reasoned as (

    select
        ranked.*,
        coalesce(
            failed_check,
            case when key_occurrence > 1 then 'duplicate_key' end
        ) as quarantine_reason
    from ranked

),

final as (

    select
        _landing_row_number,
        _source_file,
        _loaded_at,
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        {%- set key_parts = [] %}
        {%- for column in key_columns %}
            {%- do key_parts.append("coalesce(" ~ clean_text('_raw_' ~ column) ~ ", '')") %}
            {%- if not loop.last %}{% do key_parts.append("'|'") %}{% endif %}
        {%- endfor %}
        {{ dbt.concat(key_parts) }} as record_key,
        quarantine_reason,
        case
            when quarantine_reason is not null
                then {{ raw_values_text(columns, 'reasoned') }}
        end as raw_values
    from reasoned

)

select * from final
{% endmacro %}


{#- A contract column's value as staging types it, from its landing text. -#}
{% macro typed_landing_value(column, types, lowercase_columns, currency_column, relation_alias=none) -%}
{%- set cleaned = clean_text((relation_alias ~ '.' if relation_alias else '') ~ column) -%}
{%- if types.get(column) == 'timestamp' -%}
    {{ parse_timestamp(cleaned) }}
{%- elif types.get(column) == 'date' -%}
    {{ parse_date(cleaned) }}
{%- elif column in types -%}
    {{ parse_number(cleaned, types[column]) }}
{%- elif column == currency_column -%}
    upper({{ cleaned }})
{%- elif column in lowercase_columns -%}
    lower({{ cleaned }})
{%- else -%}
    {{ cleaned }}
{%- endif -%}
{%- endmacro %}
