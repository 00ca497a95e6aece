{#- sums_to_per_group: within every group of rows, the column adds up to
    `total` (to within a millionth), e.g. the health weights of each
    version add up to 100 points. Fails with each group that does not, and
    its sum.
      group_by  the column (or comma-separated columns) naming a group
      total     the sum every group must reach -#}
{% test sums_to_per_group(model, column_name, group_by, total) %}

select
    {{ group_by }},
    sum({{ column_name }}) as column_total
from {{ model }}
group by {{ group_by }}
having abs(sum({{ column_name }}) - {{ total }}) > 0.000001

{% endtest %}
