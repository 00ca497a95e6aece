{#- What a customer-success manager opens on Monday: one row per account
    and work item at the as-of date, most urgent first (priority).
      1 high_risk          risk_level high on the as-of date
                           (fct_account_health); reason = the health score
                           and the three factors that took most points off,
                           in words, with the points each took
      2 trial_signal       a trial showing the high-conversion signal, not
                           converted, whose offer window
                           (trial_offer_window_days from its start) is
                           still open: offer the trial_offer_discount_rate
      3 csm_checkin_due    dedicated_csm (high-value paying) accounts whose
                           monthly check-in falls in the coming
                           worklist_window_days days
      4 usage_report_due   automated (mid and low paying) accounts whose
                           monthly usage report falls in that window
    Check-ins and reports are not in the landing data, so they are due on a
    fixed cycle: every csm_checkin_interval_days (usage_report_interval_days)
    days counted from the account's first paid day; due_on is the next such
    day on or after the as-of date. -#}

{%- set worklist_window_days = var('worklist_window_days') -%}
{%- set factors = [
    ('login_recency', 1),
    ('ticket_rise', 2),
    ('nps_drop', 3),
    ('nps_level', 4),
    ('usage_trend', 5),
    ('decision_chain', 6),
] -%}

with account_health as (

    select * from {{ ref('fct_account_health') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

trials as (

    select * from {{ ref('fct_trials') }}

),

current_health as (

    select *
    from account_health
    where as_of_date = {{ as_of_date() }}

),

factor_words as (

    {% for factor, factor_order in factors -%}
    select
        account_id,
        '{{ factor }}' as factor,
        {{ factor_order }} as factor_order,
        {{ factor }}_points_lost as points_lost,
        {%- if factor == 'login_recency' %}
        case
            when days_since_last_login is null then 'no login on record'
            else {{ dbt.concat(["'no login for '", "cast(days_since_last_login as " ~ dbt.type_string() ~ ")", "' days'"]) }}
        end
        {%- elif factor == 'ticket_rise' %}
        {{ dbt.concat([
            "cast(tickets_last_30d as " ~ dbt.type_string() ~ ")",
            "' support tickets in the last 30 days vs '",
            "cast(tickets_prior_30d as " ~ dbt.type_string() ~ ")",
            "' in the 30 before'",
        ]) }}
        {%- elif factor == 'nps_drop' %}
        {{ dbt.concat([
            "'NPS fell from '",
            "cast(nps_previous as " ~ dbt.type_string() ~ ")",
            "' to '",
            "cast(nps_latest as " ~ dbt.type_string() ~ ")",
        ]) }}
        {%- elif factor == 'nps_level' %}
        {{ dbt.concat(["'latest NPS score '", "cast(nps_latest as " ~ dbt.type_string() ~ ")", "' of 10'"]) }}
        {%- elif factor == 'usage_trend' %}
        {{ dbt.concat([
            "'product usage down '",
            "cast(cast(round(-100 * usage_trend_rate, 0) as integer) as " ~ dbt.type_string() ~ ")",
            "' % on the previous 30 days'",
        ]) }}
        {%- else %}
        {{ dbt.concat([
            "'only '",
            "cast(buying_roles_covered_count as " ~ dbt.type_string() ~ ")",
            "' of 3 buying roles (decision maker, user, influencer) have a contact'",
        ]) }}
        {%- endif %} as factor_text
    from current_health
    where risk_level = 'high'
    {%- if not loop.last %}
    union all
    {% endif -%}
    {%- endfor %}

),

ranked_factors as (

    select
        account_id,
        {{ dbt.concat([
            "factor_text",
            "' (-'",
            "cast(round(points_lost, 1) as " ~ dbt.type_string() ~ ")",
            "' pts)'",
        ]) }} as factor_reason,
        row_number() over (
            partition by account_id
            order by points_lost desc, factor_order asc
        ) as factor_rank
    from factor_words
    where points_lost > 0

),

top_factors as (

    select
        account_id,
        max(case when factor_rank = 1 then factor_reason end) as top_factor_1,
        max(case when factor_rank = 2 then factor_reason end) as top_factor_2,
        max(case when factor_rank = 3 then factor_reason end) as top_factor_3
    from ranked_factors
    group by account_id

),

high_risk_items as (

    select
        current_health.account_id,
        'high_risk' as work_item,
        1 as priority,
        {{ as_of_date() }} as due_on,
        cast(null as {{ dbt.type_string() }}) as trial_id,
        top_factors.top_factor_1,
        top_factors.top_factor_2,
        top_factors.top_factor_3,
        {{ dbt.concat([
            "'health score '",
            "cast(round(current_health.health_score, 1) as " ~ dbt.type_string() ~ ")",
            "' (high risk): '",
            "coalesce(top_factors.top_factor_1, '')",
            "coalesce(" ~ dbt.concat(["'; '", "top_factors.top_factor_2"]) ~ ", '')",
            "coalesce(" ~ dbt.concat(["'; '", "top_factors.top_factor_3"]) ~ ", '')",
        ]) }} as reason
    from current_health
    left join top_factors on current_health.account_id = top_factors.account_id
    where current_health.risk_level = 'high'

),

trial_items as (

    select
        account_id,
        'trial_signal' as work_item,
        2 as priority,
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
        ('csm_checkin_due', 3, 'dedicated_csm', 'csm_checkin_interval_days'),
        ('usage_report_due', 4, 'automated', 'usage_report_interval_days'),
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

    select * from high_risk_items
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
