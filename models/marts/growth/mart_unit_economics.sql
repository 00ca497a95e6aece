{#- Unit economics per period and acquisition channel, and for the whole
    company (acquisition_channel = 'all'). Periods (period_kind): every
    month, every quarter, and the trailing 12 months ending with every
    month; month is the period's last month. Inputs:
    int_growth_channel_periods, which sums the flows over the period's
    months (so a quarter's CAC is its spend / its new customers, not an
    average of monthly CACs) and takes stocks and trailing windows at the
    period's latest month.
      spend         marketing spend of the period, reporting currency
      referral_rebates  referral rebates owed in the period (the referral
                    channel's acquisition cost; see mart_referrals)
      acquisition_cost  spend + referral_rebates
      new_customers accounts whose first paid day falls in the period
      cac           acquisition_cost / new_customers: marketing spend plus
                    referral rebates, per new customer; null when there are
                    no new customers (cost with nobody to show for it is
                    visible as cost, not as an infinite CAC)
      arpu          average MRR per paying account and month over the
                    period (MRR summed / paying account-months; for a month,
                    MRR / paying accounts)
      churn_rate    monthly logo churn over the last ltv_churn_window_months
                    months: accounts lost / accounts paying at the months'
                    starts, pooled over the window
      ltv           arpu x ltv_gross_margin / churn_rate: monthly gross
                    profit per account times the expected lifetime in months
                    (1 / churn rate). Null when the churn rate is 0 or
                    unknown: with no churn observed the lifetime has no
                    estimate, and the mart shows none rather than infinity
      ltv_to_cac    ltv / cac; null when either is null
      channel_roi   revenue (MRR) earned over the last
                    channel_roi_window_months months by the customers the
                    channel won in those months / the channel's marketing
                    spend in those months (rebates not included); null
                    without spend. 1.0 = the window's spend came back as
                    revenue
      payback_months cac / (arpu x ltv_gross_margin): months of gross profit
                    to earn the acquisition cost back; null when either is
                    null or 0
    churn_rate, ltv and channel_roi are trailing figures taken at the
    period's latest month; is_complete_month says whether the period has
    ended by the as-of date. -#}

with channel_periods as (

    select * from {{ ref('int_growth_channel_periods') }}

),

rates as (

    select
        *,
        spend_amount + referral_rebates_amount as acquisition_cost_amount,
        {{ safe_divide('spend_amount + referral_rebates_amount', 'new_customers') }} as cac_value,
        {{ safe_divide('mrr_amount', 'paying_account_months') }} as arpu_value,
        {{ safe_divide('churn_window_churned_accounts', 'churn_window_accounts_at_start') }}
            as churn_rate
    from channel_periods

),

ltv as (

    select
        *,
        {{ safe_divide("arpu_value * " ~ var('ltv_gross_margin'), 'churn_rate') }} as ltv_value
    from rates

),

final as (

    select
        month,
        acquisition_channel,
        is_company_total,
        cast({{ round_double('spend_amount', 2) }} as decimal(18, 2)) as spend,
        cast(new_customers as integer) as new_customers,
        cast({{ round_double('cac_value', 2) }} as decimal(18, 2)) as cac,
        cast(paying_accounts as integer) as paying_accounts,
        cast({{ round_double('arpu_value', 2) }} as decimal(18, 2)) as arpu,
        cast(churn_window_churned_accounts as integer) as churn_window_churned_accounts,
        cast(churn_window_accounts_at_start as integer) as churn_window_accounts_at_start,
        churn_rate,
        cast({{ var('ltv_gross_margin') }} as double) as gross_margin_rate,
        cast({{ round_double('ltv_value', 2) }} as decimal(18, 2)) as ltv,
        {{ safe_divide('ltv_value', 'cac_value') }} as ltv_to_cac,
        cast({{ round_double('roi_window_spend_amount', 2) }} as decimal(18, 2)) as roi_window_spend_amount,
        cast({{ round_double('roi_window_revenue_amount', 2) }} as decimal(18, 2)) as roi_window_revenue_amount,
        {{ safe_divide('roi_window_revenue_amount', 'roi_window_spend_amount') }} as channel_roi,
        case
            when cac_value is not null and arpu_value > 0
                then cac_value / (arpu_value * {{ var('ltv_gross_margin') }})
        end as payback_months,
        period_kind,
        period_start,
        {{ month_end('month') }} as period_end_on,
        cast({{ round_double('referral_rebates_amount', 2) }} as decimal(18, 2)) as referral_rebates,
        cast({{ round_double('acquisition_cost_amount', 2) }} as decimal(18, 2)) as acquisition_cost,
        cast(paying_account_months as integer) as paying_account_months,
        {{ is_complete_month('month') }} as is_complete_month
    from ltv

)

select * from final
