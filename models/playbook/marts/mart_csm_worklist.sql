{#- What a customer-success manager opens on Monday: one row per account
    and work item at the as-of date, most urgent first (priority).
      1 high_risk          risk_level high on the as-of date
                           (fct_account_health: a low score, or a flag that
                           makes the account high risk, by default no login
                           for churn_no_login_days), whatever the service
                           model: the CSM intervenes
      2 churn_flag         a churn flag fires (no login, ticket rise, NPS
                           drop) on a dedicated_csm (high-value paying)
                           account that is not high risk; the flags of
                           mid and low accounts go to an automated action
                           instead (mart_account_next_actions)
      3 trial_signal       a trial showing the high-conversion signal, not
                           converted, whose offer window
                           (trial_offer_window_days from its start) is
                           still open: offer the trial_offer_discount_rate
      4 csm_checkin_due    dedicated_csm (high-value paying) accounts whose
                           monthly check-in falls in the coming
                           worklist_window_days days
      5 usage_report_due   automated (mid and low paying) accounts whose
                           monthly usage report falls in that window
    high_risk and churn_flag rows carry the account's health in words
    (int_playbook_health_reasons, the wording every mart shares): the flags
    that fire, the health score and the three factors that took most points
    off, with the points each took.
    Check-ins and reports are not in the landing data, so they are due on a
    fixed cycle: every csm_checkin_interval_days (usage_report_interval_days)
    days counted from the account's first paid day; due_on is the next such
    day on or after the as-of date. -#}

{%- set worklist_window_days = var('worklist_window_days') -%}

with account_health as (

    select * from {{ ref('fct_account_health') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

trials as (

    select * from {{ ref('fct_trials') }}

),

health_reasons as (

    select * from {{ ref('int_playbook_health_reasons') }}

),

current_health as (

    select *
    from account_health
    where as_of_date = {{ as_of_date() }}

),

churn_warning_items as (

    -- High risk goes to a CSM whatever the service model; a flag on a
    -- dedicated-CSM account that is not high risk goes to its CSM too.
    select
        current_health.account_id,
        case when current_health.risk_level = 'high' then 'high_risk' else 'churn_flag' end as work_item,
        case when current_health.risk_level = 'high' then 1 else 2 end as priority,
        {{ as_of_date() }} as due_on,
        cast(null as {{ dbt.type_string() }}) as trial_id,
        health_reasons.top_factor_1,
        health_reasons.top_factor_2,
        health_reasons.top_factor_3,
        health_reasons.health_reason as reason
    from current_health
    left join accounts on current_health.account_id = accounts.account_id
    left join health_reasons on current_health.account_id = health_reasons.account_id
    where current_health.risk_level = 'high'
        or (current_health.flag_count > 0 and accounts.service_model = 'dedicated_csm')

),

trial_items as (

    select
        account_id,
        'trial_signal' as work_item,
        3 as priority,
        cast({{ dbt.dateadd('day', var('trial_offer_window_days'), 'started_at') }} as date) as due_on,
        trial_id,
        cast(null as {{ dbt.type_string() }}) as top_factor_1,
        cast(null as {{ dbt.type_string() }}) as top_factor_2,
        cast(null as {{ dbt.type_string() }}) as top_factor_3,
        {{ dbt.concat([
            "'trial with the high-conversion signal: '",
            "cast(max_consecutive_login_days as " ~ dbt.type_string() ~ ")",
            "' login days in a row, '",
            "cast(core_feature_uses as " ~ dbt.type_string() ~ ")",
            "' core-feature uses; the offer window closes on the due day'",
        ]) }} as reason,
        row_number() over (partition by account_id order by started_at desc, trial_id desc) as trial_recency
    from trials
    where is_high_conversion_signal
        and not is_converted
        and cast({{ dbt.dateadd('day', var('trial_offer_window_days'), 'started_at') }} as date)
            >= {{ as_of_date() }}

),

cycle_items as (

    {% for work_item, priority, service_model, interval_var in [
        ('csm_checkin_due', 4, 'dedicated_csm', 'csm_checkin_interval_days'),
        ('usage_report_due', 5, 'automated', 'usage_report_interval_days'),
    ] -%}
    select
        account_id,
        '{{ work_item }}' as work_item,
        {{ priority }} as priority,
        cast({{ dbt.dateadd(
            'day',
            var(interval_var) ~ ' * cast(ceil(' ~ dbt.datediff('first_paid_on', as_of_date(), 'day')
                ~ ' / ' ~ var(interval_var) ~ '.0) as integer)',
            'first_paid_on',
        ) }} as date) as due_on
    from accounts
    where service_model = '{{ service_model }}'
        and first_paid_on is not null
    {%- if not loop.last %}
    union all
    {% endif -%}
    {%- endfor %}

),

due_cycle_items as (

    select
        account_id,
        work_item,
        priority,
        due_on,
        cast(null as {{ dbt.type_string() }}) as trial_id,
        cast(null as {{ dbt.type_string() }}) as top_factor_1,
        cast(null as {{ dbt.type_string() }}) as top_factor_2,
        cast(null as {{ dbt.type_string() }}) as top_factor_3,
        case
            when work_item = 'csm_checkin_due' then 'monthly CSM check-in (high-value account)'
            else 'monthly automated usage report (mid or low value account)'
        end as reason
    from cycle_items
    where due_on < cast({{ dbt.dateadd('day', worklist_window_days, as_of_date()) }} as date)

),

items as (

    select * from churn_warning_items
    union all
    select
        account_id,
        work_item,
        priority,
        due_on,
        trial_id,
        top_factor_1,
        top_factor_2,
        top_factor_3,
        reason
    from trial_items
    where trial_recency = 1
    union all
    select * from due_cycle_items

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        items.account_id,
        items.work_item,
        cast(items.priority as integer) as priority,
        items.due_on,
        accounts.account_name,
        accounts.csm_owner_id,
        accounts.value_tier,
        accounts.lifecycle_stage,
        accounts.service_model,
        current_health.health_score,
        current_health.risk_level,
        current_health.flag_no_login,
        current_health.flag_ticket_rise,
        current_health.flag_nps_drop,
        items.trial_id,
        items.top_factor_1,
        items.top_factor_2,
        items.top_factor_3,
        items.reason
    from items
    left join accounts on items.account_id = accounts.account_id
    left join current_health on items.account_id = current_health.account_id

)

select * from final
