{#- The referral programme per month (playbook section 3, step 4).
      referred_leads        leads created in the month that name a referring
                            account
      referred_conversions  of those leads, the ones converted into an
                            account by the as-of date (the CRM conversion)
      referral_conversion_rate = referred_conversions / referred_leads, beside
      non_referred_conversion_rate, the same for the month's other leads;
      null when there are no such leads. Both follow the month's leads, so
      the latest months are low until their leads have had time to convert.
      The cohort view does not have that bias:
      referred_conversions_within_window  of the month's referred leads, the
                            ones converted 0 to referral_conversion_window_days
                            days after they were created (a conversion dated
                            before the lead does not count)
      referral_cohort_conversion_rate = that / referred_leads, beside
      non_referred_cohort_conversion_rate for the month's other leads; shown
      only for complete cohorts, months whose last day + the window is on
      or before the as-of date (is_conversion_window_complete), so every
      lead counted had the whole window; null for younger months. The KPI
      scorecard reads these.
      new_customers         accounts whose first paid day is in the month
      new_customers_from_referrals  of those, the ones whose lead was referred
      share_of_new_customers_from_referrals = the two above; null without new
                            customers
      rebates_owed          the referrer gets referral_rebate_rate (10 %) of
                            the annual fee of the customer it referred: 12 x
                            the MRR the referred customer pays on its first
                            paid day, in the reporting currency at that
                            month's rate. It is owed once, in the month the
                            referred customer first pays; nothing is owed for
                            a referred lead that never pays. -#}

{%- set window_days = var('referral_conversion_window_days') %}

with journeys as (

    select * from {{ ref('int_growth_account_journeys') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

lead_months as (

    select
        {{ month_start('created_at') }} as month,
        referred_by_account_id is not null as is_referred,
        converted_account_id is not null
            and converted_at is not null
            and {{ is_visible_at_as_of('converted_at') }} as is_converted,
        converted_account_id is not null
            and cast(converted_at as date) >= cast(created_at as date)
            and {{ is_visible_at_as_of('converted_at') }}
            and {{ dbt.datediff('cast(created_at as date)', 'cast(converted_at as date)', 'day') }}
                <= {{ window_days }}
            as is_converted_within_window
    from leads
    where {{ is_visible_at_as_of('created_at') }}

),

lead_counts as (

    select
        month,
        sum(case when is_referred then 1 else 0 end) as referred_leads,
        sum(case when is_referred and is_converted then 1 else 0 end) as referred_conversions,
        sum(case when not is_referred then 1 else 0 end) as non_referred_leads,
        sum(case when not is_referred and is_converted then 1 else 0 end)
            as non_referred_conversions,
        sum(case when is_referred and is_converted_within_window then 1 else 0 end)
            as referred_conversions_within_window,
        sum(case when not is_referred and is_converted_within_window then 1 else 0 end)
            as non_referred_conversions_within_window
    from lead_months
    group by month

),

customer_counts as (

    select
        {{ month_start('first_paid_on') }} as month,
        count(*) as new_customers,
        sum(case when is_referred then 1 else 0 end) as new_customers_from_referrals,
        {{ referral_rebates_owed('is_referred', 'first_annual_fee_amount') }} as rebates_owed_amount
    from journeys
    where first_paid_on is not null
    group by {{ month_start('first_paid_on') }}

),

months as (

    select month from lead_counts
    union
    select month from customer_counts

),

final as (

    select
        months.month,
        cast(coalesce(lead_counts.referred_leads, 0) as integer) as referred_leads,
        cast(coalesce(lead_counts.referred_conversions, 0) as integer) as referred_conversions,
        {{ safe_divide('lead_counts.referred_conversions', 'lead_counts.referred_leads') }}
            as referral_conversion_rate,
        cast(coalesce(lead_counts.non_referred_leads, 0) as integer) as non_referred_leads,
        cast(coalesce(lead_counts.non_referred_conversions, 0) as integer)
            as non_referred_conversions,
        {{ safe_divide('lead_counts.non_referred_conversions', 'lead_counts.non_referred_leads') }}
            as non_referred_conversion_rate,
        cast(coalesce(customer_counts.new_customers, 0) as integer) as new_customers,
        cast(coalesce(customer_counts.new_customers_from_referrals, 0) as integer)
            as new_customers_from_referrals,
        {{ safe_divide('customer_counts.new_customers_from_referrals', 'customer_counts.new_customers') }}
            as share_of_new_customers_from_referrals,
        cast({{ round_double('coalesce(customer_counts.rebates_owed_amount, 0)', 2) }} as decimal(18, 2))
            as rebates_owed,
        {{ is_complete_month('months.month') }} as is_complete_month,
        cast({{ window_days }} as integer) as conversion_window_days,
        {{ cohort_window_is_complete('months.month', window_days) }} as is_conversion_window_complete,
        cast(coalesce(lead_counts.referred_conversions_within_window, 0) as integer)
            as referred_conversions_within_window,
        cast(coalesce(lead_counts.non_referred_conversions_within_window, 0) as integer)
            as non_referred_conversions_within_window,
        case when {{ cohort_window_is_complete('months.month', window_days) }} then
            {{ safe_divide('lead_counts.referred_conversions_within_window', 'lead_counts.referred_leads') }}
        end as referral_cohort_conversion_rate,
        case when {{ cohort_window_is_complete('months.month', window_days) }} then
            {{ safe_divide('lead_counts.non_referred_conversions_within_window', 'lead_counts.non_referred_leads') }}
        end as non_referred_cohort_conversion_rate
    from months
    left join lead_counts on months.month = lead_counts.month
    left join customer_counts on months.month = customer_counts.month

)

select * from final
