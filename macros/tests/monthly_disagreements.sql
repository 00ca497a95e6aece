{#- The months where a monthly figure of fct_mrr_movements (monthly_cte's
    column) and another mart's (other_cte's other_column) differ, a month
    missing on either side counting as 0. One row per month in the shape of
    tests/assert_mrr_agrees_across_marts.sql: comparison, account_id (null),
    month, movements_figure, other_figure. -#}
{% macro monthly_disagreements(comparison, monthly_cte, column, other_cte, other_column) -%}
    select
        '{{ comparison }}' as comparison,
        cast(null as {{ dbt.type_string() }}) as account_id,
        coalesce({{ monthly_cte }}.month, {{ other_cte }}.month) as month,
        coalesce({{ monthly_cte }}.{{ column }}, 0) as movements_figure,
        coalesce({{ other_cte }}.{{ other_column }}, 0) as other_figure
    from {{ monthly_cte }}
    full outer join {{ other_cte }} on {{ monthly_cte }}.month = {{ other_cte }}.month
    where coalesce({{ monthly_cte }}.{{ column }}, 0) <> coalesce({{ other_cte }}.{{ other_column }}, 0)
{%- endmacro %}
