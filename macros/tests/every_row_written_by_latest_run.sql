{#- True when no row of `model` is older than its latest write (a full
    refresh, or the first run): then unique_key (tests/generic) checks every
    key without looking up the latest run's. -#}
{% macro every_row_written_by_latest_run(model, written_at_column) %}
    {%- set result = run_query(
        "select count(*) from " ~ model ~ " where " ~ written_at_column
        ~ " is distinct from (select max(" ~ written_at_column ~ ") from " ~ model ~ ")"
    ) -%}
    {{ return(result.columns[0].values()[0] == 0) }}
{% endmacro %}
