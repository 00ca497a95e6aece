{#- The join condition "the two relations agree on every one of these
    columns" (left.c = right.c and ...), for a model that joins several of
    its CTEs on the same multi-column grain: the grain is written once, as a
    list, and a join cannot miss one of its columns. -#}
{% macro columns_match(left, right, columns) -%}
    {%- for column in columns -%}
        {%- if not loop.first %} and {% endif -%}
        {{ left }}.{{ column }} = {{ right }}.{{ column }}
    {%- endfor -%}
{%- endmacro %}
