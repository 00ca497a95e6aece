{#- The K-means segment of each account from the latest segmentation run
    (orchestration/b2b_ops/segmentation.py), with the features it was
    clustered on and the run that produced it. -#}

with account_clusters as (

    select * from {{ ref('stg_ml__account_clusters') }}

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
        features_used,
        k as cluster_count,
        silhouette,
        model_run_id,
        trained_at
    from account_clusters

)

select * from final
