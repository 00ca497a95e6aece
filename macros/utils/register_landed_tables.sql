{#- On the spark target, b2b-ops lands into DuckDB as on the duckdb target
    and then writes each landed table (schema raw) and the segmentation's
    output (schema ml) as Parquet in <spark folder>/landed/<schema>/<table>/
    (orchestration/b2b_ops/spark_tables.py). Run at the start of every dbt
    invocation, this registers each source the run's selected nodes read as
    a Spark table over its folder: dropped and created again, so a new
    landing's columns are read (dropping a table with a location keeps its
    files). Only those sources: a run of the seeds alone may start before
    anything is landed (Dagster runs it beside the landing). A source
    whose columns all declare a data_type (ml.account_clusters) gets those
    columns, so it reads as empty before its first file is written; the
    others take the columns of their files. Nothing on DuckDB. -#}
{% macro register_landed_tables() %}
    {{ return(adapter.dispatch('register_landed_tables', 'b2b_ops')()) }}
{% endmacro %}

{% macro default__register_landed_tables() %}
{% endmacro %}

{#- One statement per query: Spark's session cursor runs one at a time. -#}
{% macro spark__register_landed_tables() %}
    {%- if execute %}
        {%- set landed = var('b2b_ops_spark_warehouse', env_var('B2B_OPS_SPARK_WAREHOUSE', 'warehouse/spark')) ~ '/landed' %}
        {%- set schemas = [] %}
        {%- set read = [] %}
        {%- for unique_id in selected_resources if unique_id in graph.nodes %}
            {%- for parent in graph.nodes[unique_id].depends_on.nodes
                if parent.startswith('source.') and parent not in read %}
                {%- do read.append(parent) %}
            {%- endfor %}
        {%- endfor %}
        {%- for source_id in read | sort %}
            {%- set source = graph.sources[source_id] %}
            {%- if source.schema not in schemas %}
                {%- do run_query('create schema if not exists ' ~ source.schema) %}
                {%- do schemas.append(source.schema) %}
            {%- endif %}
            {%- set columns = [] %}
            {%- for column in source.columns.values() if column.data_type %}
                {%- do columns.append(column.name ~ ' ' ~ column.data_type) %}
            {%- endfor %}
            {%- set declared = columns | length > 0 and columns | length == source.columns | length %}
            {%- set table = source.schema ~ '.' ~ source.identifier %}
            {%- do run_query('drop table if exists ' ~ table) %}
            {%- do run_query(
                'create table ' ~ table
                ~ (' (' ~ columns | join(', ') ~ ')' if declared else '')
                ~ ' using parquet location '
                ~ "'" ~ landed ~ '/' ~ source.schema ~ '/' ~ source.identifier ~ "'"
            ) %}
        {%- endfor %}
    {%- endif %}
{% endmacro %}
