{#- unique_key: the grain test for a key of several columns (dbt's built-in
    `unique` tests one column; this is dbt_utils'
    unique_combination_of_columns, written here). Fails with each key that
    more than one row shares, and how many rows share it.
      column_names       the key's columns, e.g. [account_id, month]
      written_at_column  for an incremental model: the column that says when
                         a row was written (every row a run writes gets the
                         run's time). When some rows are older than the
                         latest run's, only the keys that run wrote are
                         checked, against every row: a repeat needs at least
                         one row written since the last check, and that run
                         checked the rest. So a daily refresh pays for its
                         day, not for the whole table (37 s -> ~5 s for the
                         two event keys at size L). -#}
{% test unique_key(model, column_names, written_at_column=none) %}

{%- set key = column_names | join(', ') -%}
{#- Only when the test runs (dbt build or test): dbt compile has no table to look at. #}
{%- set only_latest_keys = written_at_column is not none
    and execute
    and flags.WHICH in ('build', 'test')
    and not every_row_written_by_latest_run(model, written_at_column) %}

select
    {{ key }},
    count(*) as rows_with_key
from {{ model }}
{%- if only_latest_keys %}
where ({{ key }}) in (
    select ({{ key }})
    from {{ model }}
    where {{ written_at_column }} = (select max({{ written_at_column }}) from {{ model }})
)
{%- endif %}
group by {{ key }}
having count(*) > 1

{% endtest %}

