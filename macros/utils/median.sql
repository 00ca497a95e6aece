{#- Median of a numeric expression as an aggregate. DuckDB has median();
    Spark has percentile(); the default is the standard ordered-set
    aggregate (Postgres, Snowflake). -#}
{% macro median_value(expression) -%}
    {{ return(adapter.dispatch('median_value', 'b2b_ops')(expression)) }}
{%- endmacro %}

{% macro default__median_value(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median_value(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro spark__median_value(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
