{#- The grain test: no two rows share the same values of these columns. -#}
{% test unique_key(model, column_names) %}

select
    {{ column_names | join(', ') }},
    count(*) as rows_with_key
from {{ model }}
group by {{ column_names | join(', ') }}
having count(*) > 1

{% endtest %}
