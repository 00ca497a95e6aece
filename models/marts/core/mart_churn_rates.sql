{#- Company-level churn and revenue retention by calendar month, at month ends.
      accounts_active_at_start   accounts with MRR at the end of the month before
      churned_accounts           of those, the ones without MRR at this month's end
      monthly_churn_rate         churned_accounts / accounts_active_at_start
      annual_churn_rate          of the accounts with MRR 12 months before, the
                                 share without MRR now (annual_retention_rate =
                                 1 - annual_churn_rate)
      net_revenue_retention_12m  MRR now of the accounts with MRR 12 months
                                 before / their MRR then (expansion included)
      gross_revenue_retention_12m  the same, each account capped at its MRR then
    The as-of month is measured on the as-of date; rates are null when their
    denominator is 0. -#}

with monthly_mrr as (

    select * from {{ ref('int_account_mrr_monthly') }}

),

aggregated as (

    select
        month,
        sum(case when mrr_amount > 0 then 1 else 0 end) as accounts_active,
        {{ money_sum('mrr_amount') }} as mrr,
        sum(case when mrr_amount_month_before > 0 then 1 else 0 end) as accounts_active_at_start,
        sum(case when mrr_amount_month_before > 0 and mrr_amount = 0 then 1 else 0 end)
            as churned_accounts,
        sum(case when mrr_amount_year_before > 0 then 1 else 0 end) as accounts_active_year_before,
        sum(case when mrr_amount_year_before > 0 and mrr_amount = 0 then 1 else 0 end)
            as churned_accounts_12m,
        {{ money_sum('case when mrr_amount_year_before > 0 then mrr_amount_year_before else 0 end') }}
            as mrr_year_before,
        {{ money_sum('case when mrr_amount_year_before > 0 then mrr_amount else 0 end') }}
            as mrr_now_of_year_before_accounts,
        {{ money_sum(
            'case when mrr_amount_year_before > 0 then least(mrr_amount, mrr_amount_year_before)'
            ~ ' else 0 end'
        ) }} as retained_mrr_of_year_before_accounts
    from monthly_mrr
    group by month

),

final as (

    select
        month,
        cast(accounts_active as integer) as accounts_active,
        cast(mrr as decimal(18, 2)) as mrr,
        cast(accounts_active_at_start as integer) as accounts_active_at_start,
        cast(churned_accounts as integer) as churned_accounts,
        cast(churned_accounts as double) / nullif(accounts_active_at_start, 0) as monthly_churn_rate,
        cast(churned_accounts_12m as double) / nullif(accounts_active_year_before, 0)
            as annual_churn_rate,
        1 - cast(churned_accounts_12m as double) / nullif(accounts_active_year_before, 0)
            as annual_retention_rate,
        cast(mrr_now_of_year_before_accounts / nullif(mrr_year_before, 0) as double)
            as net_revenue_retention_12m,
        cast(retained_mrr_of_year_before_accounts / nullif(mrr_year_before, 0) as double)
            as gross_revenue_retention_12m,
        {{ is_complete_month('month') }} as is_complete_month
    from aggregated

)

select * from final
