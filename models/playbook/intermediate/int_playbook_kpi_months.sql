{#- One row per month (up to the as-of month): the counts and values the
    KPI scorecard is computed from, gathered from the marts.
      annual_retention_rate        mart_churn_rates (already over 12 months)
      nps_* / promoters / detractors  mart_satisfaction summed over tiers
                                   and industries
      leads, trials, new_paying    mart_lifecycle_funnel summed over
                                   channels and industries
      referred_* / new_customers*  mart_referrals
      spend_amount, cac_new_customers  mart_unit_economics, company row
      High-value accounts (value tier of the month's quarter in
      fct_account_tiers is 'high'), from fct_mrr_movements:
      high_value_upsell_base_accounts  high-value accounts paying (MRR > 0)
                                   in at least one of the 12 months ending
                                   with this month
      high_value_upsold_accounts   of those, the ones with an 'expansion'
                                   movement in those 12 months
      high_value_paying_accounts, high_value_mrr_amount  paying in the month
      high_value_ltv_window_churned_accounts / _accounts_at_start  churn
                                   movements of high-value accounts / high-
                                   value accounts paying at the month's
                                   start, summed over the last
                                   ltv_churn_window_months months -#}

{%- set ltv_window_months = var('ltv_churn_window_months') -%}
{%- set upsell_window_months = var('high_value_upsell_window_months') -%}

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
        sum(new_paying) as new_paying
    from funnel
    group by month

),

company_economics as (

    select
        month,
        spend as spend_amount,
        new_customers as cac_new_customers
    from unit_economics
    where is_company_total
        and period_kind = 'month'

),

high_value_movements as (

    select
        mrr_movements.account_id,
        mrr_movements.month,
        mrr_movements.mrr,
        mrr_movements.previous_mrr,
        mrr_movements.movement
    from mrr_movements
    inner join account_tiers
        on mrr_movements.account_id = account_tiers.account_id
        and account_tiers.quarter_start = {{ quarter_start('mrr_movements.month') }}
    where account_tiers.value_tier = 'high'

),

high_value_months as (

    select
        month,
        sum(case when mrr > 0 then 1 else 0 end) as high_value_paying_accounts,
        {{ money_sum('case when mrr > 0 then mrr else 0 end') }} as high_value_mrr_amount,
        sum(case when previous_mrr > 0 then 1 else 0 end) as high_value_accounts_at_start,
        sum(case when movement = 'churn' then 1 else 0 end) as high_value_churned_accounts
    from high_value_movements
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

high_value_now as (

    select
        visible_months.month,
        account_tiers.account_id
    from visible_months
    inner join account_tiers
        on account_tiers.quarter_start = {{ quarter_start('visible_months.month') }}
    where account_tiers.value_tier = 'high'

),

upsell_window_accounts as (

    select
        high_value_now.month,
        high_value_now.account_id,
        max(case when mrr_movements.mrr > 0 then 1 else 0 end) as was_paying,
        max(case when mrr_movements.movement = 'expansion' then 1 else 0 end) as was_upsold
    from high_value_now
    inner join mrr_movements
        on high_value_now.account_id = mrr_movements.account_id
        and high_value_now.month >= mrr_movements.month
        and mrr_movements.month
            > cast({{ dbt.dateadd('month', -upsell_window_months, 'high_value_now.month') }} as date)
    group by high_value_now.month, high_value_now.account_id

),

upsell_windows as (

    select
        month,
        sum(was_paying) as high_value_upsell_base_accounts,
        sum(case when was_paying = 1 then was_upsold else 0 end) as high_value_upsold_accounts
    from upsell_window_accounts
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
        cast(coalesce(referrals.referred_leads, 0) as integer) as referred_leads,
        cast(coalesce(referrals.referred_conversions, 0) as integer) as referred_conversions,
        cast(coalesce(referrals.new_customers, 0) as integer) as new_customers,
        cast(coalesce(referrals.new_customers_from_referrals, 0) as integer) as new_customers_from_referrals,
        cast(coalesce(company_economics.spend_amount, 0) as decimal(18, 2)) as spend_amount,
        cast(coalesce(company_economics.cac_new_customers, 0) as integer) as cac_new_customers,
        cast(coalesce(upsell_windows.high_value_upsell_base_accounts, 0) as integer)
            as high_value_upsell_base_accounts,
        cast(coalesce(upsell_windows.high_value_upsold_accounts, 0) as integer) as high_value_upsold_accounts,
        cast(coalesce(high_value_months.high_value_paying_accounts, 0) as integer) as high_value_paying_accounts,
        cast(coalesce(high_value_months.high_value_mrr_amount, 0) as decimal(18, 2)) as high_value_mrr_amount,
        cast(coalesce(high_value_ltv_windows.high_value_ltv_window_churned_accounts, 0) as integer)
            as high_value_ltv_window_churned_accounts,
        cast(coalesce(high_value_ltv_windows.high_value_ltv_window_accounts_at_start, 0) as integer)
            as high_value_ltv_window_accounts_at_start
    from visible_months
    left join churn_rates on visible_months.month = churn_rates.month
    left join satisfaction_months on visible_months.month = satisfaction_months.month
    left join funnel_months on visible_months.month = funnel_months.month
    left join referrals on visible_months.month = referrals.month
    left join company_economics on visible_months.month = company_economics.month
    left join upsell_windows on visible_months.month = upsell_windows.month
    left join high_value_months on visible_months.month = high_value_months.month
    left join high_value_ltv_windows on visible_months.month = high_value_ltv_windows.month

)

select * from final
