{#- The date every "current" figure is computed at: the var as_of_date
    (B2B_OPS_AS_OF_DATE), or the run's date when it is not set. Data dated
    after it is valid but not yet visible, so models leave it out. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date') or run_started_at.strftime('%Y-%m-%d') -%}
    cast('{{ value }}' as date)
{%- endmacro %}


{#- True when a date or timestamp column is on or before the as-of date. -#}
{% macro is_visible_at_as_of(column) -%}
    cast({{ column }} as date) <= {{ as_of_date() }}
{%- endmacro %}


{#- True when the month starting on month_expression has ended by the as-of
    date (its last day is on or before it). The as-of month itself is
    measured only up to the as-of date, so it is complete only when the
    as-of date is its last day. Every monthly mart flags its rows with it
    (is_complete_month). -#}
{% macro is_complete_month(month_expression) -%}
    {{ cohort_window_is_complete(month_expression, 0) }}
{%- endmacro %}


{#- True when a monthly cohort (the things that started in the month
    starting on month_expression) has been followed for window_days after
    its last day by the as-of date, so every member had the whole window:
    month end + window_days <= as-of date. A cohort rate is shown only for
    complete cohorts, so a young cohort never looks like a bad one. -#}
{% macro cohort_window_is_complete(month_expression, window_days) -%}
    {{ dbt.dateadd('day', window_days, month_end(month_expression)) }} <= {{ as_of_date() }}
{%- endmacro %}
