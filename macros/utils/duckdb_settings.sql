{#- DuckDB's threads and spill folder for this run, from the vars b2b-ops
    passes (settings.py: B2B_OPS_DUCKDB_THREADS, B2B_OPS_DUCKDB_TEMP_DIR).
    Both are settings of the database, not of one connection, so setting
    them once at the start of the run covers every model. Without the vars
    (dbt run by hand) DuckDB keeps its own defaults: one thread per core,
    spilling into <warehouse>.tmp. The memory cap is in profiles.yml. -#}
{% macro apply_duckdb_settings() %}
    {%- set threads = var('b2b_ops_duckdb_threads', none) -%}
    {%- set temp_dir = var('b2b_ops_duckdb_temp_dir', none) -%}
    {%- if target.type == 'duckdb' and execute -%}
        {%- if threads %}
            set threads = {{ threads | int }};
        {%- endif %}
        {%- if temp_dir %}
            set temp_directory = '{{ temp_dir | replace("'", "''") }}';
        {%- endif %}
    {%- endif -%}
{% endmacro %}
