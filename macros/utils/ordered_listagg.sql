{#- The texts of a group joined with a delimiter, in the order of one
    column (an aggregate: use it with group by). dbt.listagg's order by
    works on DuckDB; dbt-spark ignores it with only a warning, so Spark sorts
    the (order, text) pairs itself. Null texts are left out on both. -#}
{% macro ordered_listagg(measure, delimiter_text, order_by_column) -%}
    {{ return(adapter.dispatch('ordered_listagg', 'b2b_ops')(measure, delimiter_text, order_by_column)) }}
{%- endmacro %}

{% macro default__ordered_listagg(measure, delimiter_text, order_by_column) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ order_by_column) }}
{%- endmacro %}

{% macro spark__ordered_listagg(measure, delimiter_text, order_by_column) -%}
    array_join(
        transform(
            array_sort(collect_list(named_struct('sort_key', {{ order_by_column }}, 'text', {{ measure }}))),
            pair -> pair.text
        ),
        {{ delimiter_text }}
    )
{%- endmacro %}
