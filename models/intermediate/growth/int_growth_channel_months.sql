{#- The inputs of the unit-economics formulas, one row per month and
    acquisition channel, plus one row per month for the whole company
    (acquisition_channel = 'all'). Months run from the first month with
    spend or MRR to the as-of month, every channel in every month.
      spend_amount         marketing spend dated in the month (on or before
                           the as-of date), reporting currency at the rate of
                           the spend's month; spend rows carry their channel
      new_customers        accounts whose first paid day is in the month
      referral_rebates_amount  referral rebates owed in the month for the
                           channel's referred customers that first paid in
                           it (macro referral_rebates_owed, as in
                           mart_referrals): referral acquisition cost, booked
                           to the referred customer's channel (referral)
      mrr_amount, paying_accounts
                           MRR (constant currency) and accounts with MRR above
                           0 in the month, from int_account_mrr_monthly
      churn_window_*       over the ltv_churn_window_months months ending with
                           the month: accounts paying at a month's start, and
                           of them those with no MRR in that month, summed
      roi_window_*         over the channel_roi_window_months months ending
                           with the month: spend, and the MRR earned in those
                           months by the accounts first paid in those months
    Accounts count in the channel of their latest CRM version. -#}

with journeys as (

    select * from {{ ref('int_growth_account_journeys') }}

),

account_months as (

    select * from {{ ref('int_account_mrr_monthly') }}

),

spend as (

    select * from {{ ref('stg_marketing__spend') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

spend_by_channel_month as (

    select
        spend.channel as acquisition_channel,
        {{ month_start('spend.spend_date') }} as month,
        {{ money_sum('spend.amount * fx_rates.rate_to_reporting') }} as spend_amount
    from spend
    inner join fx_rates
        on spend.currency = fx_rates.currency
        and fx_rates.rate_month = {{ month_start('spend.spend_date') }}
    where {{ is_visible_at_as_of('spend.spend_date') }}
        and spend.channel is not null
    group by spend.channel, {{ month_start('spend.spend_date') }}

),

account_channel_months as (

    select
        account_months.account_id,
        account_months.month,
        account_months.mrr_amount,
        account_months.mrr_amount_month_before,
        {{ month_start('journeys.first_paid_on') }} as first_paid_month,
        journeys.is_referred,
        journeys.first_annual_fee_amount,
        coalesce(journeys.acquisition_channel, 'unknown') as acquisition_channel
    from account_months
    inner join journeys on account_months.account_id = journeys.account_id

),

first_month as (

    select min(month) as month
    from (
        select month from spend_by_channel_month
        union all
        select month from account_channel_months
    ) as activity_months

),

months as (

    {{ month_spine('(select month from first_month)', as_of_date()) }}

),

channels as (

    select acquisition_channel from spend_by_channel_month
    union
    select acquisition_channel from account_channel_months

),

-- Each channel, plus 'all' for the company-wide rows.
channels_and_all as (

    select acquisition_channel from channels
    union all
    select 'all' as acquisition_channel

),

-- Every account-month twice: once under its channel, once under 'all'.
account_rows as (

    select * from account_channel_months
    union all
    select
        account_id,
        month,
        mrr_amount,
        mrr_amount_month_before,
        first_paid_month,
        is_referred,
        first_annual_fee_amount,
        'all' as acquisition_channel
    from account_channel_months

),

spend_rows as (

    select
        acquisition_channel,
        month,
        spend_amount
    from spend_by_channel_month
    union all
    select
        'all' as acquisition_channel,
        month,
        {{ money_sum('spend_amount') }} as spend_amount
    from spend_by_channel_month
    group by month

),

grid as (

    select
        months.month,
        channels_and_all.acquisition_channel
    from months
    cross join channels_and_all

),

account_stats as (

    select
        acquisition_channel,
        month,
        {{ money_sum('mrr_amount') }} as mrr_amount,
        sum(case when mrr_amount > 0 then 1 else 0 end) as paying_accounts,
        sum(case when first_paid_month = month then 1 else 0 end) as new_customers,
        {{ referral_rebates_owed('is_referred and first_paid_month = month', 'first_annual_fee_amount') }}
            as referral_rebates_amount,
        sum(case when mrr_amount_month_before > 0 then 1 else 0 end)
            as accounts_paying_at_start,
        sum(case when mrr_amount_month_before > 0 and mrr_amount = 0 then 1 else 0 end)
            as churned_accounts
    from account_rows
    group by acquisition_channel, month

),

monthly as (

    select
        grid.month,
        grid.acquisition_channel,
        coalesce(spend_rows.spend_amount, 0) as spend_amount,
        coalesce(account_stats.new_customers, 0) as new_customers,
        coalesce(account_stats.referral_rebates_amount, 0) as referral_rebates_amount,
        coalesce(account_stats.mrr_amount, 0) as mrr_amount,
        coalesce(account_stats.paying_accounts, 0) as paying_accounts,
        coalesce(account_stats.accounts_paying_at_start, 0) as accounts_paying_at_start,
        coalesce(account_stats.churned_accounts, 0) as churned_accounts
    from grid
    left join spend_rows
        on grid.month = spend_rows.month
        and grid.acquisition_channel = spend_rows.acquisition_channel
    left join account_stats
        on grid.month = account_stats.month
        and grid.acquisition_channel = account_stats.acquisition_channel

),

-- MRR earned inside each ROI window by the accounts first paid inside it.
roi_window_revenue as (

    select
        grid.month,
        grid.acquisition_channel,
        {{ money_sum('account_rows.mrr_amount') }} as revenue_amount
    from grid
    inner join account_rows
        on grid.acquisition_channel = account_rows.acquisition_channel
        and grid.month >= account_rows.month
        and account_rows.first_paid_month
            > {{ dbt.dateadd('month', -1 * var('channel_roi_window_months'), 'grid.month') }}
        and account_rows.month >= account_rows.first_paid_month
    group by grid.month, grid.acquisition_channel

),

final as (

    select
        monthly.month,
        monthly.acquisition_channel,
        monthly.acquisition_channel = 'all' as is_company_total,
        monthly.spend_amount,
        monthly.new_customers,
        monthly.referral_rebates_amount,
        monthly.mrr_amount,
        monthly.paying_accounts,
        sum(monthly.accounts_paying_at_start) over (
            partition by monthly.acquisition_channel
            order by monthly.month
            rows between {{ var('ltv_churn_window_months') - 1 }} preceding and current row
        ) as churn_window_accounts_at_start,
        sum(monthly.churned_accounts) over (
            partition by monthly.acquisition_channel
            order by monthly.month
            rows between {{ var('ltv_churn_window_months') - 1 }} preceding and current row
        ) as churn_window_churned_accounts,
        sum(monthly.spend_amount) over (
            partition by monthly.acquisition_channel
            order by monthly.month
            rows between {{ var('channel_roi_window_months') - 1 }} preceding and current row
        ) as roi_window_spend_amount,
        coalesce(roi_window_revenue.revenue_amount, 0) as roi_window_revenue_amount
    from monthly
    left join roi_window_revenue
        on monthly.month = roi_window_revenue.month
        and monthly.acquisition_channel = roi_window_revenue.acquisition_channel

)

select * from final
