{#- value_between: every non-null value of the column lies between
    min_value and max_value, both included (dbt has no built-in range test;
    this is dbt_utils' accepted_range with both ends inclusive). Fails with
    each row outside. For a short list of allowed values, use dbt's
    built-in accepted_values instead.
      min_value, max_value  the range's ends, e.g. 0 and 1 for a rate -#}
{% test value_between(model, column_name, min_value, max_value) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} < {{ min_value }}
    or {{ column_name }} > {{ max_value }}

{% endtest %}
