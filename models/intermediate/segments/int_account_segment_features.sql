{#- The features the K-means segmentation clusters on, one row per customer
    at the as-of date. Read only by the Dagster asset ml/account_clusters
    (orchestration/b2b_ops); no dbt model reads it.
    Customers = accounts paying now (annual ARPU of the as-of quarter above
    0) or with a paid invoice in the RFM window; trials and prospects have
    their own lifecycle stage and would swamp the clusters.
      r_score, f_score, m_score  RFM scores 1-5 (int_account_rfm_scores);
                                 0 without a paid invoice in the window
      annual_arpu                the as-of quarter's annual ARPU
                                 (int_account_quarter_tiers, as in dim_accounts)
      logins_last_30d            logins in the segment_activity_window_days
                                 up to the as-of date
      usage_trend                events in that window vs the same number of
                                 days before it: (last - prior) / max(prior, 1),
                                 clipped to -1..1
      tickets_last_90d           tickets created in the
                                 segment_ticket_window_days up to the as-of date
    The column names carry the default windows (30 and 90 days): they are
    the clustering output's columns. -#}

with quarter_tiers as (

    select * from {{ ref('int_account_quarter_tiers') }}

),

rfm_scores as (

    select * from {{ ref('int_account_rfm_scores') }}

),

daily_activity as (

    select * from {{ ref('int_account_daily_activity') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

accounts as (

    select
        account_id,
        coalesce(annual_arpu, 0) as annual_arpu
    from quarter_tiers
    where quarter_start = {{ quarter_start(as_of_date()) }}

),

activity as (

    {%- set window_start = dbt.dateadd('day', -1 * var('segment_activity_window_days'), as_of_date()) %}
    {%- set prior_window_start = dbt.dateadd('day', -2 * var('segment_activity_window_days'), as_of_date()) %}

    select
        account_id,
        sum(case when activity_on > {{ window_start }} then login_count else 0 end)
            as logins_last_30d,
        sum(case when activity_on > {{ window_start }} then event_count else 0 end)
            as events_last_30d,
        sum(case when activity_on <= {{ window_start }} then event_count else 0 end)
            as events_prior_30d
    from daily_activity
    where activity_on > {{ prior_window_start }}
        and {{ is_visible_at_as_of('activity_on') }}
    group by account_id

),

recent_tickets as (

    select
        account_id,
        count(*) as tickets_last_90d
    from tickets
    where cast(created_at as date)
        > {{ dbt.dateadd('day', -1 * var('segment_ticket_window_days'), as_of_date()) }}
        and {{ is_visible_at_as_of('created_at') }}
    group by account_id

),

final as (

    select
        accounts.account_id,
        coalesce(rfm_scores.r_score, 0) as r_score,
        coalesce(rfm_scores.f_score, 0) as f_score,
        coalesce(rfm_scores.m_score, 0) as m_score,
        accounts.annual_arpu,
        coalesce(activity.logins_last_30d, 0) as logins_last_30d,
        least(1.0, greatest(-1.0,
            (coalesce(activity.events_last_30d, 0) - coalesce(activity.events_prior_30d, 0))
            / greatest(coalesce(activity.events_prior_30d, 0), 1)
        )) as usage_trend,
        coalesce(recent_tickets.tickets_last_90d, 0) as tickets_last_90d
    from accounts
    left join rfm_scores on accounts.account_id = rfm_scores.account_id
    left join activity on accounts.account_id = activity.account_id
    left join recent_tickets on accounts.account_id = recent_tickets.account_id
    where accounts.annual_arpu > 0
        or rfm_scores.account_id is not null

)

select * from final
