{#- unique_key: the grain test for a key of several columns (dbt's built-in
    `unique` tests one column; this is dbt_utils'
    unique_combination_of_columns, written here). Fails with each key that
    more than one row shares, and how many rows share it.
      column_names  the key's columns, e.g. [account_id, month] -#}
{% test unique_key(model, column_names) %}

select
    {{ column_names | join(', ') }},
    count(*) as rows_with_key
from {{ model }}
group by {{ column_names | join(', ') }}
having count(*) > 1

{% endtest %}
