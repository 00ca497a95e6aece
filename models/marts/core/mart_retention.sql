{#- Cohort retention: accounts grouped by the month they first had MRR
    (cohort_month), followed month by month.
      accounts_active          cohort accounts with MRR that month
      logo_retention           accounts_active / cohort_size
      gross_revenue_retention  sum(min(MRR now, MRR in the cohort month)) /
                               MRR in the cohort month (expansion not counted)
      net_revenue_retention    MRR now / MRR in the cohort month
      monthly_churn_rate       of the cohort accounts active the month before,
                               the share without MRR this month
      annual_churn_rate        of the cohort accounts active 12 months before,
                               the share without MRR this month (null before
                               month 12)
    MRR in constant currency (see int_subscriptions_constant_currency). -#}

with monthly_mrr as (

    select * from {{ ref('int_account_mrr_monthly') }}

),

cohorts as (

    select
        account_id,
        min(month) as cohort_month
    from monthly_mrr
    where mrr_amount > 0
    group by account_id

),

cohort_months as (

    select
        monthly_mrr.account_id,
        cohorts.cohort_month,
        monthly_mrr.month,
        {{ dbt.datediff('cohorts.cohort_month', 'monthly_mrr.month', 'month') }} as months_since_start,
        monthly_mrr.mrr_amount,
        first_value(monthly_mrr.mrr_amount) over (
            partition by monthly_mrr.account_id order by monthly_mrr.month
        ) as starting_mrr_amount,
        -- Only months inside the cohort's life count as "before".
        case
            when monthly_mrr.month > cohorts.cohort_month then monthly_mrr.mrr_amount_month_before
        end as mrr_amount_month_before,
        case
            when {{ dbt.datediff('cohorts.cohort_month', 'monthly_mrr.month', 'month') }} >= 12
                then monthly_mrr.mrr_amount_year_before
        end as mrr_amount_year_before
    from monthly_mrr
    inner join cohorts
        on monthly_mrr.account_id = cohorts.account_id
        and monthly_mrr.month >= cohorts.cohort_month

),

aggregated as (

    select
        cohort_month,
        months_since_start,
        month,
        count(*) as cohort_size,
        sum(case when mrr_amount > 0 then 1 else 0 end) as accounts_active,
        {{ money_sum('starting_mrr_amount') }} as starting_mrr,
        {{ money_sum('mrr_amount') }} as mrr,
        {{ money_sum('case when mrr_amount < starting_mrr_amount then mrr_amount else starting_mrr_amount end') }}
            as retained_starting_mrr,
        sum(case when mrr_amount_month_before > 0 then 1 else 0 end) as active_month_before,
        sum(case when mrr_amount_month_before > 0 and mrr_amount = 0 then 1 else 0 end)
            as churned_since_month_before,
        sum(case when mrr_amount_year_before > 0 then 1 else 0 end) as active_year_before,
        sum(case when mrr_amount_year_before > 0 and mrr_amount = 0 then 1 else 0 end)
            as churned_since_year_before
    from cohort_months
    group by cohort_month, months_since_start, month

),

final as (

    select
        cohort_month,
        cast(months_since_start as integer) as months_since_start,
        month,
        cast(cohort_size as integer) as cohort_size,
        cast(accounts_active as integer) as accounts_active,
        cast(starting_mrr as decimal(18, 2)) as starting_mrr,
        cast(mrr as decimal(18, 2)) as mrr,
        cast(accounts_active as double) / cohort_size as logo_retention,
        cast(retained_starting_mrr / nullif(starting_mrr, 0) as double) as gross_revenue_retention,
        cast(mrr / nullif(starting_mrr, 0) as double) as net_revenue_retention,
        cast(churned_since_month_before as double) / nullif(active_month_before, 0)
            as monthly_churn_rate,
        cast(churned_since_year_before as double) / nullif(active_year_before, 0)
            as annual_churn_rate,
        {{ is_complete_month('month') }} as is_complete_month
    from aggregated

)

select * from final
