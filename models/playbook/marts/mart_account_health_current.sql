{#- Every paying account's health at the as-of date, with the reasons in
    words: the answer to "which high-value accounts are at risk today, and
    why" off one table. One row per account of fct_account_health on the
    as-of date, with who owns it (dim_accounts) and the words every mart
    shares (int_playbook_health_reasons): the churn flags that fire, the
    three factors that took most points off, and one sentence. -#}

with account_health as (

    select * from {{ ref('fct_account_health') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

health_reasons as (

    select * from {{ ref('int_playbook_health_reasons') }}

),

current_health as (

    select *
    from account_health
    where as_of_date = {{ as_of_date() }}

),

final as (

    select
        current_health.as_of_date,
        current_health.account_id,
        accounts.account_name,
        accounts.industry,
        accounts.value_tier,
        accounts.lifecycle_stage,
        accounts.service_model,
        accounts.csm_owner_id,
        current_health.health_score,
        current_health.health_score_change,
        current_health.score_change_main_factor,
        current_health.score_risk_level,
        current_health.risk_level,
        current_health.flag_no_login,
        current_health.flag_ticket_rise,
        current_health.flag_nps_drop,
        current_health.flag_count,
        health_reasons.churn_flags_text,
        health_reasons.top_factor_1,
        health_reasons.top_factor_2,
        health_reasons.top_factor_3,
        health_reasons.health_reason,
        current_health.last_login_on,
        current_health.paying_since_on,
        current_health.days_without_login,
        current_health.tickets_last_30d,
        current_health.tickets_prior_30d,
        current_health.nps_latest,
        current_health.nps_previous,
        current_health.usage_trend_rate,
        current_health.buying_roles_covered_count,
        current_health.weights_version
    from current_health
    left join accounts on current_health.account_id = accounts.account_id
    left join health_reasons on current_health.account_id = health_reasons.account_id

)

select * from final
