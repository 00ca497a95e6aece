{#- One row per month (up to the as-of month): the counts and values the
    KPI scorecard is computed from, gathered from the marts.
      annual_retention_rate        mart_churn_rates (already over 12 months)
      nps_* / promoters / detractors  mart_satisfaction summed over tiers
                                   and industries
      leads, trials, new_paying    mart_lifecycle_funnel summed over
                                   channels and industries (calendar counts)
      funnel_cohort_trials         of the month's leads, those whose account
                                   started a trial within the funnel's long
                                   window (last of funnel_cohort_windows_days)
      is_funnel_cohort_complete    that window has passed for the whole
                                   month (month end + window <= as-of date)
      referred_leads, referred_conversions_within_window,
      is_referral_cohort_complete  mart_referrals' cohort view (window
                                   referral_conversion_window_days)
      new_customers*               mart_referrals
      spend_amount, referral_rebates_amount, cac_new_customers
                                   mart_unit_economics, company month row:
                                   CAC = (spend + rebates) / new customers
    High-value accounts come from fct_mrr_movements and fct_account_tiers.
    An account's state at a month's start is its MRR at the end of the month
    before (previous_mrr) and the value tier of that month's quarter, so an
    account whose contract ends on a quarter's first day counts at the tier
    it had while paying, not at the tier of the new quarter, where its ARR
    is already 0:
      high_value_upsell_base_accounts  the cohort fixed at the start of the
                                   high_value_upsell_window_months window
                                   ending with this month: accounts high
                                   value and paying at the start of the
                                   window's first month. Members that churn
                                   or contract stay in it; accounts that
                                   become high value during the window are
                                   not in it
      high_value_upsold_accounts   of the cohort, those with an 'expansion'
                                   movement in the window's months
      high_value_paying_accounts, high_value_mrr_amount  paying in the month,
                                   high value in the month's quarter
      high_value_ltv_window_churned_accounts / _accounts_at_start  churn
                                   movements of accounts high value at the
                                   month's start / accounts high value and
                                   paying at the month's start, summed over
                                   the last ltv_churn_window_months months
      worklist_items_decided,      mart_worklist_follow_through by month of
      worklist_items_on_time       due_on, day-precise items only (a health
                                   item known only to the week could look
                                   late or early by 6 days): items on_time,
                                   late or not_acted, and those on_time -#}

{%- set ltv_window_months = var('ltv_churn_window_months') -%}
{%- set upsell_window_months = var('high_value_upsell_window_months') -%}
{%- set funnel_window_days = var('funnel_cohort_windows_days')[-1] -%}
{%- set referral_window_days = var('referral_conversion_window_days') -%}

with churn_rates as (

    select * from {{ ref('mart_churn_rates') }}

),

satisfaction as (

    select * from {{ ref('mart_satisfaction') }}

),

funnel as (

    select * from {{ ref('mart_lifecycle_funnel') }}

),

referrals as (

    select * from {{ ref('mart_referrals') }}

),

unit_economics as (

    select * from {{ ref('mart_unit_economics') }}

),

worklist_follow_through as (

    select * from {{ ref('mart_worklist_follow_through') }}

),

mrr_movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

account_tiers as (

    select * from {{ ref('fct_account_tiers') }}

),

months as (

    select month from churn_rates
    union
    select month from satisfaction
    union
    select month from funnel
    union
    select month from referrals
    union
    select month from unit_economics
    union
    select month from mrr_movements

),

visible_months as (

    select month
    from months
    where month <= {{ month_start(as_of_date()) }}

),

follow_through_months as (

    select
        {{ month_start('due_on') }} as month,
        sum(case when follow_through_status in ('on_time', 'late', 'not_acted') then 1 else 0 end)
            as worklist_items_decided,
        sum(case when follow_through_status = 'on_time' then 1 else 0 end) as worklist_items_on_time
    from worklist_follow_through
    where appeared_on_precision = 'day'
    group by {{ month_start('due_on') }}

),

satisfaction_months as (

    select
        month,
        sum(nps_response_count) as nps_response_count,
        sum(promoters) as nps_promoters,
        sum(detractors) as nps_detractors
    from satisfaction
    group by month

),

funnel_months as (

    select
        month,
        sum(leads) as leads,
        sum(trials) as trials,
        sum(new_paying) as new_paying,
        sum(cohort_trials_long_window) as funnel_cohort_trials
    from funnel
    group by month

),

company_economics as (

    select
        month,
        spend as spend_amount,
        referral_rebates as referral_rebates_amount,
        new_customers as cac_new_customers
    from unit_economics
    where is_company_total
        and period_kind = 'month'

),

-- Each movement with the account's tier in the month's quarter and at the
-- month's start (the quarter of the month before).
movement_tiers as (

    select
        mrr_movements.account_id,
        mrr_movements.month,
        mrr_movements.mrr,
        mrr_movements.previous_mrr,
        mrr_movements.movement,
        month_tiers.value_tier,
        opening_tiers.value_tier as opening_value_tier
    from mrr_movements
    left join account_tiers as month_tiers
        on mrr_movements.account_id = month_tiers.account_id
        and month_tiers.quarter_start = {{ quarter_start('mrr_movements.month') }}
    left join account_tiers as opening_tiers
        on mrr_movements.account_id = opening_tiers.account_id
        and opening_tiers.quarter_start
            = {{ quarter_start(dbt.dateadd('month', -1, 'mrr_movements.month')) }}

),

high_value_months as (

    select
        month,
        sum(case when value_tier = 'high' and mrr > 0 then 1 else 0 end) as high_value_paying_accounts,
        {{ money_sum("case when value_tier = 'high' and mrr > 0 then mrr else 0 end") }}
            as high_value_mrr_amount,
        sum(case when opening_value_tier = 'high' and previous_mrr > 0 then 1 else 0 end)
            as high_value_accounts_at_start,
        sum(case when opening_value_tier = 'high' and movement = 'churn' then 1 else 0 end)
            as high_value_churned_accounts
    from movement_tiers
    group by month

),

high_value_ltv_windows as (

    select
        visible_months.month,
        sum(high_value_months.high_value_churned_accounts) as high_value_ltv_window_churned_accounts,
        sum(high_value_months.high_value_accounts_at_start) as high_value_ltv_window_accounts_at_start
    from visible_months
    inner join high_value_months
        on visible_months.month >= high_value_months.month
        and high_value_months.month
            > cast({{ dbt.dateadd('month', -ltv_window_months, 'visible_months.month') }} as date)
    group by visible_months.month

),

upsell_windows as (

    select
        month,
        cast({{ dbt.dateadd('month', 1 - upsell_window_months, 'month') }} as date) as window_start_month
    from visible_months

),

-- The cohort of each window: high value and paying at the window's start.
upsell_cohorts as (

    select
        upsell_windows.month,
        upsell_windows.window_start_month,
        movement_tiers.account_id
    from upsell_windows
    inner join movement_tiers
        on upsell_windows.window_start_month = movement_tiers.month
    where movement_tiers.opening_value_tier = 'high'
        and movement_tiers.previous_mrr > 0

),

upsell_cohort_members as (

    select
        upsell_cohorts.month,
        upsell_cohorts.account_id,
        max(case when mrr_movements.movement = 'expansion' then 1 else 0 end) as was_upsold
    from upsell_cohorts
    inner join mrr_movements
        on upsell_cohorts.account_id = mrr_movements.account_id
        and mrr_movements.month between upsell_cohorts.window_start_month and upsell_cohorts.month
    group by upsell_cohorts.month, upsell_cohorts.account_id

),

upsell_rates as (

    select
        month,
        count(*) as high_value_upsell_base_accounts,
        sum(was_upsold) as high_value_upsold_accounts
    from upsell_cohort_members
    group by month

),

final as (

    select
        visible_months.month,
        churn_rates.annual_retention_rate,
        cast(coalesce(satisfaction_months.nps_response_count, 0) as integer) as nps_response_count,
        cast(coalesce(satisfaction_months.nps_promoters, 0) as integer) as nps_promoters,
        cast(coalesce(satisfaction_months.nps_detractors, 0) as integer) as nps_detractors,
        cast(coalesce(funnel_months.leads, 0) as integer) as leads,
        cast(coalesce(funnel_months.trials, 0) as integer) as trials,
        cast(coalesce(funnel_months.new_paying, 0) as integer) as new_paying,
        cast(coalesce(funnel_months.funnel_cohort_trials, 0) as integer) as funnel_cohort_trials,
        {{ cohort_window_is_complete('visible_months.month', funnel_window_days) }} as is_funnel_cohort_complete,
        cast(coalesce(referrals.referred_leads, 0) as integer) as referred_leads,
        cast(coalesce(referrals.referred_conversions_within_window, 0) as integer)
            as referred_conversions_within_window,
        {{ cohort_window_is_complete('visible_months.month', referral_window_days) }}
            as is_referral_cohort_complete,
        cast(coalesce(referrals.new_customers, 0) as integer) as new_customers,
        cast(coalesce(referrals.new_customers_from_referrals, 0) as integer) as new_customers_from_referrals,
        cast(coalesce(company_economics.spend_amount, 0) as decimal(18, 2)) as spend_amount,
        cast(coalesce(company_economics.referral_rebates_amount, 0) as decimal(18, 2)) as referral_rebates_amount,
        cast(coalesce(company_economics.cac_new_customers, 0) as integer) as cac_new_customers,
        cast(coalesce(upsell_rates.high_value_upsell_base_accounts, 0) as integer)
            as high_value_upsell_base_accounts,
        cast(coalesce(upsell_rates.high_value_upsold_accounts, 0) as integer) as high_value_upsold_accounts,
        cast(coalesce(high_value_months.high_value_paying_accounts, 0) as integer) as high_value_paying_accounts,
        cast(coalesce(high_value_months.high_value_mrr_amount, 0) as decimal(18, 2)) as high_value_mrr_amount,
        cast(coalesce(high_value_ltv_windows.high_value_ltv_window_churned_accounts, 0) as integer)
            as high_value_ltv_window_churned_accounts,
        cast(coalesce(high_value_ltv_windows.high_value_ltv_window_accounts_at_start, 0) as integer)
            as high_value_ltv_window_accounts_at_start,
        cast(coalesce(follow_through_months.worklist_items_decided, 0) as integer) as worklist_items_decided,
        cast(coalesce(follow_through_months.worklist_items_on_time, 0) as integer) as worklist_items_on_time
    from visible_months
    left join churn_rates on visible_months.month = churn_rates.month
    left join satisfaction_months on visible_months.month = satisfaction_months.month
    left join funnel_months on visible_months.month = funnel_months.month
    left join referrals on visible_months.month = referrals.month
    left join company_economics on visible_months.month = company_economics.month
    left join upsell_rates on visible_months.month = upsell_rates.month
    left join high_value_months on visible_months.month = high_value_months.month
    left join high_value_ltv_windows on visible_months.month = high_value_ltv_windows.month
    left join follow_through_months on visible_months.month = follow_through_months.month

)

select * from final
