{#- The event days a run of the account-day model recomputes: the var
    event_day_ranges, a list of [first, last] dates (both included), set by
    the orchestrator (b2b_ops.defs.dbt: the days the run targets and every
    day whose events changed since the model last ran). Renders a predicate
    on a date or timestamp column, true for rows of those days; written as
    ranges so DuckDB skips the row groups of other days. -#}
{% macro is_in_event_days(column) -%}
    {%- set ranges = var('event_day_ranges') -%}
    {%- if ranges | length == 0 -%}
    false
    {%- else -%}
    (
        {%- for first, last in ranges %}
        ({{ column }} >= cast('{{ first }}' as date)
            and {{ column }} < cast('{{ last }}' as date) + interval 1 day)
        {{- " or" if not loop.last }}
        {%- endfor %}
    )
    {%- endif -%}
{%- endmacro %}
