{#- The month spine: every month from first_month up to the month of
    last_day, as a date column `month` (each month's first day), counted back
    from last_day for at most a century. first_month is a SQL expression of a
    month's first day (a column-free expression or a scalar subquery).
    Numbers come from dbt's own generate_series. -#}
{% macro month_spine(first_month, last_day) -%}
    {%- set century_months = 1200 -%}
    select month
    from (
        select
            cast({{ dbt.dateadd('month', '1 - generated_number', month_start(last_day)) }} as date)
                as month
        from ({{ dbt.generate_series(century_months) }}) as month_numbers
    ) as months
    where month >= {{ first_month }}
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


{#- One row per value of a list var (such as a list of horizons in days),
    as an integer column: a select to use as a CTE's body. -#}
{% macro integer_rows(values, column_name) -%}
    {%- for value in values %}
    select cast({{ value }} as integer) as {{ column_name }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
