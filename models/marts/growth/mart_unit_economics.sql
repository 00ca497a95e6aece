{#- Unit economics per month and acquisition channel, and for the whole
    company (acquisition_channel = 'all'). Inputs: int_growth_channel_months.
      spend         marketing spend of the month, reporting currency
      new_customers accounts whose first paid day falls in the month
      cac           spend / new_customers; null when there are no new
                    customers (spend with nobody to show for it is visible
                    as spend, not as an infinite CAC)
      arpu          average MRR per paying account in the month (ARPA)
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
                    channel won in those months / the channel's spend in
                    those months; null without spend. 1.0 = the window's
                    spend came back as revenue
      payback_months cac / (arpu x ltv_gross_margin): months of gross profit
                    to earn the acquisition cost back; null when either is
                    null or 0 -#}

with channel_months as (

    select * from {{ ref('int_growth_channel_months') }}

),

rates as (

    select
        *,
        {{ safe_divide('spend_amount', 'new_customers') }} as cac_value,
        {{ safe_divide('mrr_amount', 'paying_accounts') }} as arpu_value,
        {{ safe_divide('churn_window_churned_accounts', 'churn_window_accounts_at_start') }}
            as churn_rate
    from channel_months

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
        cast(round(spend_amount, 2) as decimal(18, 2)) as spend,
        cast(new_customers as integer) as new_customers,
        cast(round(cac_value, 2) as decimal(18, 2)) as cac,
        cast(paying_accounts as integer) as paying_accounts,
        cast(round(arpu_value, 2) as decimal(18, 2)) as arpu,
        cast(churn_window_churned_accounts as integer) as churn_window_churned_accounts,
        cast(churn_window_accounts_at_start as integer) as churn_window_accounts_at_start,
        churn_rate,
        cast({{ var('ltv_gross_margin') }} as double) as gross_margin_rate,
        cast(round(ltv_value, 2) as decimal(18, 2)) as ltv,
        {{ safe_divide('ltv_value', 'cac_value') }} as ltv_to_cac,
        cast(round(roi_window_spend_amount, 2) as decimal(18, 2)) as roi_window_spend_amount,
        cast(round(roi_window_revenue_amount, 2) as decimal(18, 2)) as roi_window_revenue_amount,
        {{ safe_divide('roi_window_revenue_amount', 'roi_window_spend_amount') }} as channel_roi,
        case
            when cac_value is not null and arpu_value > 0
                then cac_value / (arpu_value * {{ var('ltv_gross_margin') }})
        end as payback_months
    from ltv

)

select * from final
