{#- The integers 0 .. upper_bound - 1 as a column `n`, built from a cross join
    of digits so it runs on any warehouse (no generate_series needed). -#}
{% macro integers(upper_bound) -%}
    {%- set digit_count = (upper_bound - 1) | string | length -%}
    select n
    from (
        select
            {%- for position in range(digit_count) %}
            digits_{{ position }}.digit * {{ 10 ** position }}{{ " +" if not loop.last }}
            {%- endfor %} as n
        from
            {%- for position in range(digit_count) %}
            (
                select 0 as digit union all select 1 union all select 2
                union all select 3 union all select 4 union all select 5
                union all select 6 union all select 7 union all select 8
                union all select 9
            ) as digits_{{ position }}{{ "," if not loop.last }}
            {%- endfor %}
    ) as numbers
    where n < {{ upper_bound }}
{%- endmacro %}


{% macro month_start(expression) -%}
    cast({{ dbt.date_trunc('month', expression) }} as date)
{%- endmacro %}


{% macro quarter_start(expression) -%}
    cast({{ dbt.date_trunc('quarter', expression) }} as date)
{%- endmacro %}


{#- The last day of the month that starts on month_start_expression. -#}
{% macro month_end(month_start_expression) -%}
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, month_start_expression)) }} as date)
{%- endmacro %}
