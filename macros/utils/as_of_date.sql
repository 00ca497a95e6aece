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
