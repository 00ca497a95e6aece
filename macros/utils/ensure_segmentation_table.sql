{#- The segmentation output (ml.account_clusters) is written by the Dagster
    asset, between two dbt runs. Run at the start of every dbt invocation,
    this creates it empty when it does not exist yet, so `dbt build` also
    works on its own (account_segments is then empty until the
    segmentation runs). Its columns and types are the ones the source
    declares (models/staging/ml/_ml__sources.yml), the same the Python
    writer reads. -#}
{% macro ensure_segmentation_table() %}
    {%- if execute %}
        {%- set output = graph.sources['source.' ~ project_name ~ '.ml.account_clusters'] %}
        create schema if not exists {{ output.schema }};
        create table if not exists {{ output.schema }}.{{ output.identifier }} (
            {%- for column in output.columns.values() %}
            {{ column.name }} {{ column.data_type }}{{ "," if not loop.last }}
            {%- endfor %}
        );
    {%- endif %}
{% endmacro %}
