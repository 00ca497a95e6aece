{#- Sums an amount of money exactly, whatever order the rows come in.
    DuckDB adds doubles in parallel, in an order that changes from run to
    run, so a double sum can differ in its last bits between two builds of
    the same data, and a rounded figure (a CAC in cents) can flip by a cent.
    Each amount is fixed to 6 decimals first, then added as a decimal, which
    is exact; the result is a double again, so column types do not change.
    window: an optional window clause ("over (...)") for a running sum. -#}
{% macro money_sum(expression, window='') -%}
    cast(sum(cast({{ expression }} as decimal(38, 6))) {{ window }} as double)
{%- endmacro %}
