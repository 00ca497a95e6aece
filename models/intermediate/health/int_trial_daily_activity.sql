{#- Trial x day: logins and core-feature uses inside each trial's window
    (started_at to ends_at, both included), on or before the as-of date.
    Core features are the rows of seeds/core_features.csv. This is the one
    read of the event table the trial marts need (logins and feature uses of
    trial accounts in their trial windows), not one per as-of date. -#}

with trials as (

    select * from {{ ref('stg_product__trials') }}

),

events as (

    select * from {{ ref('stg_product__events') }}

),

core_features as (

    select * from {{ ref('core_features') }}

),

final as (

    select
        trials.trial_id,
        cast(events.occurred_at as date) as activity_on,
        sum(case when events.event_type = 'login' then 1 else 0 end) as login_count,
        sum(
            case
                when events.event_type = 'feature_use' and core_features.feature is not null then 1
                else 0
            end
        ) as core_feature_use_count
    from events
    inner join trials
        on events.account_id = trials.account_id
        and events.occurred_at >= trials.started_at
        and events.occurred_at <= trials.ends_at
    left join core_features on events.feature = core_features.feature
    where events.event_type in ('login', 'feature_use')
        and {{ is_visible_at_as_of('events.occurred_at') }}
    group by trials.trial_id, cast(events.occurred_at as date)

)

select * from final
