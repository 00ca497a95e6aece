{#- Usage at account x day grain: the one pass over the (large) event table
    that every usage metric starts from. It does not depend on the as-of
    date (consumers keep only days on or before it), so it is incremental by
    day: a run deletes the days in raw._event_day_ranges (pre-hook) and
    inserts them again from the staged events, so a late event, a
    redelivered file or a row staged or quarantined anew changes its whole
    day. A full refresh (or the first run) builds every day. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where {{ is_in_event_days('activity_on') }}{% endif %}",
) }}

with events as (

    select * from {{ ref('stg_product__events') }}
    {% if is_incremental() %}
        where {{ is_in_event_days('occurred_at') }}
    {% endif %}

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
