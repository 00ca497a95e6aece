{#- One row per account at the as-of date: the attributes the playbook rules
    match on (lifecycle stage, value tier, industry), the named boolean
    signals a rule can ask for, and the account's own numbers the reasons
    are written from. The signals (every one false when its input is absent):
      is_high_risk                  risk_level 'high' on the as-of date
                                    (fct_account_health)
      has_churn_flag                paying or loyal, and at least one churn
                                    flag (no login, ticket rise, NPS drop)
                                    fires on the as-of date
      has_open_trial                a trial started on or before the as-of
                                    date, not ended before it, not converted
      has_trial_signal              a trial with the high-conversion signal,
                                    not converted, whose offer window
                                    (trial_offer_window_days from its start)
                                    is still open on the as-of date
      has_open_trial_without_signal an open trial, none with an open offer
      is_missing_decision_maker     paying or loyal, and no contact with the
                                    decision-maker buying role
                                    (mart_decision_chain; no row = none)
      is_checkin_due                a csm_checkin_due item on the CSM
                                    worklist (due within worklist_window_days)
      is_usage_report_due           a usage_report_due item on the worklist
      is_upsell_candidate           paying now, next best module propensity
                                    >= upsell_propensity_threshold
                                    (mart_upsell_next_best_module)
      is_loyal_not_referring        lifecycle stage paying (a loyal account
                                    refers by definition), latest NPS score
                                    >= referral_invite_min_nps_score (a
                                    promoter), and no lead created in the last
                                    loyal_referral_window_days names it as
                                    referrer
    The open trial shown is the latest one (started last, then trial_id).
    health_reason is the account's health in words
    (int_playbook_health_reasons): the reason of the is_high_risk and
    has_churn_flag rules. -#}

{%- set referral_window_days = var('loyal_referral_window_days') -%}

with accounts as (

    select * from {{ ref('dim_accounts') }}

),

account_health as (

    select * from {{ ref('fct_account_health') }}

),

trials as (

    select * from {{ ref('fct_trials') }}

),

decision_chain as (

    select * from {{ ref('mart_decision_chain') }}

),

health_reasons as (

    select * from {{ ref('int_playbook_health_reasons') }}

),

worklist as (

    select * from {{ ref('mart_csm_worklist') }}

),

next_best_modules as (

    select * from {{ ref('mart_upsell_next_best_module') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

current_health as (

    select *
    from account_health
    where as_of_date = {{ as_of_date() }}

),

open_trials as (

    select
        *,
        is_high_conversion_signal
            and cast({{ dbt.dateadd('day', var('trial_offer_window_days'), 'started_at') }} as date)
                >= {{ as_of_date() }} as is_offer_open,
        cast({{ dbt.dateadd('day', var('trial_offer_window_days'), 'started_at') }} as date)
            as offer_closes_on
    from trials
    where {{ is_visible_at_as_of('started_at') }}
        and not is_converted
        and (
            cast(ends_at as date) >= {{ as_of_date() }}
            or (
                is_high_conversion_signal
                and cast({{ dbt.dateadd('day', var('trial_offer_window_days'), 'started_at') }} as date)
                    >= {{ as_of_date() }}
            )
        )

),

latest_open_trial as (

    select
        *,
        row_number() over (
            partition by account_id
            order by
                case when is_offer_open then 0 else 1 end,
                started_at desc,
                trial_id desc
        ) as trial_rank
    from open_trials

),

referrers as (

    select
        referred_by_account_id as account_id,
        count(*) as referred_leads_in_window
    from leads
    where referred_by_account_id is not null
        and {{ is_visible_at_as_of('created_at') }}
        and cast(created_at as date)
            > cast({{ dbt.dateadd('day', -referral_window_days, as_of_date()) }} as date)
    group by referred_by_account_id

),

due_items as (

    select
        account_id,
        min(case when work_item = 'csm_checkin_due' then due_on end) as checkin_due_on,
        min(case when work_item = 'usage_report_due' then due_on end) as usage_report_due_on
    from worklist
    group by account_id

),

joined as (

    select
        accounts.account_id,
        accounts.lifecycle_stage,
        accounts.value_tier,
        accounts.industry,
        accounts.csm_owner_id,
        accounts.service_model,
        current_health.health_score,
        current_health.risk_level,
        current_health.days_since_last_login,
        current_health.tickets_last_30d,
        current_health.tickets_prior_30d,
        current_health.nps_latest,
        current_health.nps_previous,
        current_health.flag_count,
        health_reasons.churn_flags_text,
        health_reasons.health_reason,
        latest_open_trial.trial_id,
        latest_open_trial.product_module as trial_module,
        cast(latest_open_trial.started_at as date) as trial_started_on,
        latest_open_trial.max_consecutive_login_days as trial_max_consecutive_login_days,
        latest_open_trial.core_feature_uses as trial_core_feature_uses,
        case when latest_open_trial.is_offer_open then latest_open_trial.offer_closes_on end
            as trial_offer_closes_on,
        coalesce(decision_chain.contact_count, 0) as contact_count,
        coalesce(decision_chain.has_decision_maker, false) as has_decision_maker,
        due_items.checkin_due_on,
        due_items.usage_report_due_on,
        next_best_modules.next_best_module,
        next_best_modules.driver_module,
        next_best_modules.propensity as next_best_module_propensity,
        coalesce(referrers.referred_leads_in_window, 0) as referred_leads_in_window,
        coalesce(current_health.risk_level = 'high', false) as is_high_risk,
        accounts.lifecycle_stage in ('paying', 'loyal')
            and coalesce(current_health.flag_count > 0, false) as has_churn_flag,
        latest_open_trial.trial_id is not null as has_open_trial,
        coalesce(latest_open_trial.is_offer_open, false) as has_trial_signal,
        latest_open_trial.trial_id is not null
            and not coalesce(latest_open_trial.is_offer_open, false) as has_open_trial_without_signal,
        accounts.lifecycle_stage in ('paying', 'loyal')
            and not coalesce(decision_chain.has_decision_maker, false) as is_missing_decision_maker,
        due_items.checkin_due_on is not null as is_checkin_due,
        due_items.usage_report_due_on is not null as is_usage_report_due,
        accounts.lifecycle_stage in ('paying', 'loyal')
            and coalesce(
                next_best_modules.propensity >= {{ var('upsell_propensity_threshold') }},
                false
            ) as is_upsell_candidate,
        accounts.lifecycle_stage = 'paying'
            and coalesce(current_health.nps_latest >= {{ var('referral_invite_min_nps_score') }}, false)
            and referrers.account_id is null as is_loyal_not_referring
    from accounts
    left join current_health on accounts.account_id = current_health.account_id
    left join health_reasons on accounts.account_id = health_reasons.account_id
    left join latest_open_trial
        on accounts.account_id = latest_open_trial.account_id
        and latest_open_trial.trial_rank = 1
    left join decision_chain on accounts.account_id = decision_chain.account_id
    left join due_items on accounts.account_id = due_items.account_id
    left join next_best_modules on accounts.account_id = next_best_modules.account_id
    left join referrers on accounts.account_id = referrers.account_id

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        *
    from joined

)

select * from final
