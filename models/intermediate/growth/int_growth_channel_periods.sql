{#- The inputs of the unit-economics formulas per period and acquisition
    channel (plus 'all'), from int_growth_channel_months. Three kinds of
    period, each row with its first month (period_start) and last month
    (month):
      month               one row per month, as in int_growth_channel_months
      quarter             one row per calendar quarter up to the as-of one
      trailing_12_months  one row per month: the 12 months ending with it
    Flows are summed over the period's months, so a rate over a period is a
    ratio of sums, never an average of monthly ratios: spend_amount,
    referral_rebates_amount, new_customers, mrr_amount and
    paying_account_months (paying accounts summed month by month).
    Stocks and trailing windows are taken at the period's latest month (up
    to the as-of month): paying_accounts, churn_window_* and roi_window_*.
    Months before the first month with spend or MRR have no activity, so a
    period reaching before it sums what there is. -#}

{%- set months_per_quarter = 3 -%}
{%- set months_per_year = 12 -%}
{%- set trailing_year =
    "over (partition by acquisition_channel order by month rows between "
    ~ (months_per_year - 1) ~ " preceding and current row)" -%}

with channel_months as (

    select * from {{ ref('int_growth_channel_months') }}

),

month_rows as (

    select
        'month' as period_kind,
        month as period_start,
        month,
        acquisition_channel,
        is_company_total,
        spend_amount,
        referral_rebates_amount,
        new_customers,
        mrr_amount,
        paying_accounts as paying_account_months,
        paying_accounts,
        churn_window_accounts_at_start,
        churn_window_churned_accounts,
        roi_window_spend_amount,
        roi_window_revenue_amount
    from channel_months

),

-- The months of each quarter, with the quarter's latest month up to the as-of month.
quarter_months as (

    select
        *,
        {{ quarter_start('month') }} as quarter_start,
        max(month) over (
            partition by acquisition_channel, {{ quarter_start('month') }}
        ) as latest_month
    from channel_months

),

quarter_rows as (

    select
        'quarter' as period_kind,
        quarter_start as period_start,
        cast({{ dbt.dateadd('month', months_per_quarter - 1, 'quarter_start') }} as date) as month,
        acquisition_channel,
        is_company_total,
        {{ money_sum('spend_amount') }} as spend_amount,
        {{ money_sum('referral_rebates_amount') }} as referral_rebates_amount,
        sum(new_customers) as new_customers,
        {{ money_sum('mrr_amount') }} as mrr_amount,
        sum(paying_accounts) as paying_account_months,
        max(case when month = latest_month then paying_accounts end) as paying_accounts,
        max(case when month = latest_month then churn_window_accounts_at_start end)
            as churn_window_accounts_at_start,
        max(case when month = latest_month then churn_window_churned_accounts end)
            as churn_window_churned_accounts,
        max(case when month = latest_month then roi_window_spend_amount end) as roi_window_spend_amount,
        max(case when month = latest_month then roi_window_revenue_amount end)
            as roi_window_revenue_amount
    from quarter_months
    group by quarter_start, acquisition_channel, is_company_total

),

-- Every channel has every month from the first one, so 11 rows back are 11 months back.
trailing_rows as (

    select
        'trailing_12_months' as period_kind,
        cast({{ dbt.dateadd('month', 1 - months_per_year, 'month') }} as date) as period_start,
        month,
        acquisition_channel,
        is_company_total,
        {{ money_sum('spend_amount', trailing_year) }} as spend_amount,
        {{ money_sum('referral_rebates_amount', trailing_year) }} as referral_rebates_amount,
        sum(new_customers) {{ trailing_year }} as new_customers,
        {{ money_sum('mrr_amount', trailing_year) }} as mrr_amount,
        sum(paying_accounts) {{ trailing_year }} as paying_account_months,
        paying_accounts,
        churn_window_accounts_at_start,
        churn_window_churned_accounts,
        roi_window_spend_amount,
        roi_window_revenue_amount
    from channel_months

),

final as (

    select * from month_rows
    union all
    select * from quarter_rows
    union all
    select * from trailing_rows

)

select * from final
