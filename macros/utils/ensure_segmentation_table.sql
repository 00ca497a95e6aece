{#- The segmentation output (ml.account_clusters) is written by the Dagster
    asset, between two dbt runs. Run at the start of every dbt invocation,
    this creates it empty when it does not exist yet, so `dbt build` also
    works on its own (account_segments is then empty until the
    segmentation runs). Its columns and types are the ones the source
    declares (models/staging/ml/_ml__sources.yml), the same the Python
    writer reads. -#}
{#- One statement per query: Spark's session cursor runs one statement at
    a time. The hook itself then has no SQL left to run. -#}
{% macro ensure_segmentation_table() %}
    {%- if execute %}
        {%- set output = graph.sources['source.' ~ project_name ~ '.ml.account_clusters'] %}
        {%- set columns = [] %}
        {%- for column in output.columns.values() %}
            {%- do columns.append(column.name ~ ' ' ~ column.data_type) %}
        {%- endfor %}
        {%- do run_query('create schema if not exists ' ~ output.schema) %}
        {%- do run_query(
            'create table if not exists ' ~ output.schema ~ '.' ~ output.identifier
            ~ ' (' ~ columns | join(', ') ~ ')' ~ table_storage_clause()
        ) %}
    {%- endif %}
{% endmacro %}

{#- How a table created by hand is stored: DuckDB has one format; Spark
    would make a Hive text table without a clause, the models are Parquet. -#}
{% macro table_storage_clause() -%}
    {{ return(adapter.dispatch('table_storage_clause', 'b2b_ops')()) }}
{%- endmacro %}

{% macro default__table_storage_clause() -%}
{%- endmacro %}

{% macro spark__table_storage_clause() -%}
    {{ ' using parquet' }}
{%- endmacro %}
