{#- The latest segmentation run's clusters. The table is written with the
    types its source declares (_ml__sources.yml), so nothing is cast here. -#}

with account_clusters as (

    select * from {{ source('ml', 'account_clusters') }}

),

final as (

    select
        account_id,
        cluster_id,
        cluster_label,
        r_score,
        f_score,
        m_score,
        annual_arpu,
        logins_last_30d,
        usage_trend,
        tickets_last_90d,
        model_run_id,
        features_used,
        k,
        silhouette,
        trained_at
    from account_clusters

)

select * from final
