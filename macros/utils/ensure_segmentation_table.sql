{#- The segmentation output (ml.account_clusters) is written by the Dagster
    asset, between two dbt runs. Run at the start of every dbt invocation,
    this creates it empty when it does not exist yet, so `dbt build` also
    works on its own (account_segments is then empty until the
    segmentation runs). -#}
{% macro ensure_segmentation_table() %}
    create schema if not exists ml;
    create table if not exists ml.account_clusters (
        account_id {{ dbt.type_string() }},
        cluster_id integer,
        cluster_label {{ dbt.type_string() }},
        r_score double,
        f_score double,
        m_score double,
        annual_arpu double,
        logins_last_30d double,
        usage_trend double,
        tickets_last_90d double,
        model_run_id {{ dbt.type_string() }},
        features_used {{ dbt.type_string() }},
        k integer,
        silhouette double,
        trained_at {{ dbt.type_timestamp() }}
    );
{% endmacro %}
