{#- dbt-spark checks an incremental model's strategy before it builds:
    delete+insert (the staged events, on DuckDB) is not one of Spark's. A
    first build or a full refresh creates the table whole and uses no
    strategy, so there it passes as append; a Spark run that would really
    add to the table still fails dbt-spark's own check (Parquet tables
    cannot delete rows: incremental refreshes on Spark are not done yet).
    Called only by dbt-spark's incremental materialization. -#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
    {%- if raw_strategy == 'delete+insert' and not is_incremental() -%}
        {{ return('append') }}
    {%- endif -%}
    {{ return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) }}
{% endmacro %}
