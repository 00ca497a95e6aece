{#- Generic test: the column adds up to `total` within every group of
    `group_by` (e.g. the health weights of each version add up to 100).
    Returns the groups that do not. -#}
{% test sums_to_per_group(model, column_name, group_by, total) %}

select
    {{ group_by }},
    sum({{ column_name }}) as column_total
from {{ model }}
group by {{ group_by }}
having abs(sum({{ column_name }}) - {{ total }}) > 0.000001

{% endtest %}
