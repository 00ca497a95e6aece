{#- Trial x day: logins and core-feature uses inside each trial's window
    (started_at to ends_at, both included). Core features are the rows of
    seeds/core_features.csv. This is the one read of the event table the
    trial marts need (logins and feature uses of trial accounts in their
    trial windows), not one per as-of date. Like the account-day model it
    keeps every landed day (consumers keep the days on or before the as-of
    date), so it is incremental: a run deletes and inserts again the rows
    of the days in raw._event_day_ranges (a late event recomputes its day)
    and every row of the trials in raw._changed_trials (a trial whose
    window or account changed in the trials export, or that arrived or
    left). A full refresh (or the first run) builds every row. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where {{ is_in_event_days('activity_on') }} or {{ is_in_changed_trials('trial_id') }}{% endif %}",
) }}

{%- set changed_span = changed_trials_span(ref('stg_product__trials')) if is_incremental() else none %}

with trials as (

    select * from {{ ref('stg_product__trials') }}

),

events as (

    -- Two reads, each of a range of days (events are stored in time order,
    -- so each skips the rest): the touched days, and the days the changed
    -- trials' windows span (only their accounts' events, on other days).
    select * from {{ ref('stg_product__events') }}
    where event_type in ('login', 'feature_use')
    {% if is_incremental() %}
        and {{ is_in_event_days('occurred_at') }}

    union all

    select * from {{ ref('stg_product__events') }}
    where event_type in ('login', 'feature_use')
        {% if changed_span is none %}
            and false
        {% else %}
            and occurred_at >= cast('{{ changed_span[0] }}' as date)
            and occurred_at < {{ dbt.dateadd('day', 1, "cast('" ~ changed_span[1] ~ "' as date)") }}
            and not {{ is_in_event_days('occurred_at') }}
            and account_id in (
                select account_id from trials where {{ is_in_changed_trials('trial_id') }}
            )
        {% endif %}
    {% endif %}

),

core_features as (

    select * from {{ ref('core_features') }}

),

trial_events as (

    select
        trials.trial_id,
        events.occurred_at,
        events.event_type,
        events.feature
    from events
    inner join trials
        on events.account_id = trials.account_id
        and events.occurred_at >= trials.started_at
        and events.occurred_at <= trials.ends_at
    {% if is_incremental() %}
        where {{ is_in_event_days('events.occurred_at') }}
            or {{ is_in_changed_trials('trials.trial_id') }}
    {% endif %}

),

final as (

    select
        trial_events.trial_id,
        cast(trial_events.occurred_at as date) as activity_on,
        sum(case when trial_events.event_type = 'login' then 1 else 0 end) as login_count,
        sum(
            case
                when trial_events.event_type = 'feature_use' and core_features.feature is not null then 1
                else 0
            end
        ) as core_feature_use_count
    from trial_events
    left join core_features on trial_events.feature = core_features.feature
    group by trial_events.trial_id, cast(trial_events.occurred_at as date)

)

select * from final
