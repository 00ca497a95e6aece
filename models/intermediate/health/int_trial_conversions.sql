{#- One row per trial started on or before the as-of date (playbook
    section 3, trial -> paying).
      max_consecutive_login_days  longest run of calendar days in a row with
                                  a login, inside the trial window
      core_feature_uses           feature_use events on a core feature
                                  (seeds/core_features.csv) in the window
      is_high_conversion_signal   run >= trial_signal_consecutive_login_days
                                  and uses >= trial_signal_core_feature_uses
                                  (7 and 5 by default; 6 days or 4 uses miss)
      converted_at                the account's first purchase: its first
                                  paid day (first subscription with MRR
                                  above 0, started on or before the as-of
                                  date; int_account_lifecycle_facts). A
                                  zero-MRR subscription (a free plan) is not
                                  a purchase. One purchase converts one
                                  trial: the latest trial started on or
                                  before the purchase day (ties: the later
                                  start time, then the higher trial_id);
                                  earlier trials of the account are not
                                  converted, and neither is a trial started
                                  after the account first paid (an add-on
                                  trial of a paying account)
      converted_within_offer_window  converted at most trial_offer_window_days
                                  days after the trial's start day (day 30
                                  is inside): eligible for the
                                  trial_offer_discount_rate discount
    Published as fct_trials; mart_trial_conversion compares the trials with
    and without the signal. -#}

with trials as (

    select * from {{ ref('stg_product__trials') }}

),

trial_days as (

    -- The trial-day model keeps every landed day; only days on or before
    -- the as-of date count.
    select * from {{ ref('int_trial_daily_activity') }}
    where {{ is_visible_at_as_of('activity_on') }}

),

lifecycle_facts as (

    select * from {{ ref('int_account_lifecycle_facts') }}

),

visible_trials as (

    select
        *,
        cast(started_at as date) as started_on
    from trials
    where {{ is_visible_at_as_of('started_at') }}

),

login_days as (

    select
        trial_days.trial_id,
        trial_days.activity_on,
        -- Days in a row share this key: the day number minus its rank.
        {{ dbt.datediff('visible_trials.started_on', 'trial_days.activity_on', 'day') }}
            - row_number() over (partition by trial_days.trial_id order by trial_days.activity_on)
            as run_key
    from trial_days
    inner join visible_trials on trial_days.trial_id = visible_trials.trial_id
    where trial_days.login_count > 0

),

runs as (

    select
        trial_id,
        run_key,
        count(*) as run_days
    from login_days
    group by trial_id, run_key

),

trial_usage as (

    select
        visible_trials.trial_id,
        coalesce(max(runs.run_days), 0) as max_consecutive_login_days
    from visible_trials
    left join runs on visible_trials.trial_id = runs.trial_id
    group by visible_trials.trial_id

),

trial_totals as (

    select
        trial_id,
        sum(case when login_count > 0 then 1 else 0 end) as login_days,
        sum(core_feature_use_count) as core_feature_uses
    from trial_days
    group by trial_id

),

-- The trials started on or before the account's first paid day, latest first.
trials_before_purchase as (

    select
        visible_trials.trial_id,
        lifecycle_facts.first_paid_on,
        row_number() over (
            partition by visible_trials.account_id
            order by visible_trials.started_at desc, visible_trials.trial_id desc
        ) as trial_recency
    from visible_trials
    inner join lifecycle_facts
        on visible_trials.account_id = lifecycle_facts.account_id
        and visible_trials.started_on <= lifecycle_facts.first_paid_on

),

-- One purchase converts one trial: the latest one before it.
converted as (

    select
        trial_id,
        first_paid_on as converted_on
    from trials_before_purchase
    where trial_recency = 1

),

final as (

    select
        visible_trials.trial_id,
        visible_trials.account_id,
        visible_trials.product_module,
        visible_trials.started_at,
        visible_trials.ends_at,
        cast(coalesce(trial_totals.login_days, 0) as integer) as login_days,
        cast(trial_usage.max_consecutive_login_days as integer) as max_consecutive_login_days,
        cast(coalesce(trial_totals.core_feature_uses, 0) as integer) as core_feature_uses,
        (
            trial_usage.max_consecutive_login_days >= {{ var('trial_signal_consecutive_login_days') }}
            and coalesce(trial_totals.core_feature_uses, 0) >= {{ var('trial_signal_core_feature_uses') }}
        ) as is_high_conversion_signal,
        cast(converted.converted_on as timestamp) as converted_at,
        converted.converted_on is not null as is_converted,
        cast({{ dbt.datediff('visible_trials.started_on', 'converted.converted_on', 'day') }} as integer)
            as days_to_convert,
        coalesce(
            {{ dbt.datediff('visible_trials.started_on', 'converted.converted_on', 'day') }}
                <= {{ var('trial_offer_window_days') }},
            false
        ) as converted_within_offer_window,
        case
            when {{ dbt.datediff('visible_trials.started_on', 'converted.converted_on', 'day') }}
                <= {{ var('trial_offer_window_days') }}
                then cast({{ var('trial_offer_discount_rate') }} as double)
        end as offer_discount_rate
    from visible_trials
    inner join trial_usage on visible_trials.trial_id = trial_usage.trial_id
    left join trial_totals on visible_trials.trial_id = trial_totals.trial_id
    left join converted on visible_trials.trial_id = converted.trial_id

)

select * from final
