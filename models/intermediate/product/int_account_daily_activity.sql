{#- Usage at account x day grain: the one pass over the (large) event table
    that every usage metric starts from. It does not depend on the as-of
    date, so it can become incremental (append new days) without a rewrite;
    consumers keep only days on or before the as-of date. -#}

with events as (

    select * from {{ ref('stg_product__events') }}

),

final as (

    select
        account_id,
        cast(occurred_at as date) as activity_on,
        count(*) as event_count,
        sum(case when event_type = 'login' then 1 else 0 end) as login_count,
        sum(case when event_type = 'feature_use' then 1 else 0 end) as feature_use_count,
        count(distinct user_id) as active_user_count,
        coalesce(sum(duration_seconds), 0) as duration_seconds
    from events
    where account_id is not null
    group by account_id, cast(occurred_at as date)

)

select * from final
