with account_clusters as (

    select * from {{ source('ml', 'account_clusters') }}

),

final as (

    select
        account_id,
        cast(cluster_id as integer) as cluster_id,
        cluster_label,
        cast(r_score as integer) as r_score,
        cast(f_score as integer) as f_score,
        cast(m_score as integer) as m_score,
        cast(annual_arpu as double) as annual_arpu,
        cast(logins_last_30d as integer) as logins_last_30d,
        cast(usage_trend as double) as usage_trend,
        cast(tickets_last_90d as integer) as tickets_last_90d,
        model_run_id,
        features_used,
        cast(k as integer) as k,
        cast(silhouette as double) as silhouette,
        cast(trained_at as timestamp) as trained_at
    from account_clusters

)

select * from final
