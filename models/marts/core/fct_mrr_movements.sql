{#- MRR movements, one row per account and month in which the account had
    MRR or lost it. A month is compared with the month before:
      new           first month with MRR
      reactivation  MRR again after at least one month at 0
      churn         MRR falls to 0 (the row is the first month without MRR;
                    later months at 0 have no row)
      expansion     MRR up
      contraction   MRR down, still above 0
      retained      unchanged
    The conditions on previous_mrr = 0 and mrr = 0 come first so that
    churn is never read as contraction. For every month:
    opening + new + expansion - contraction - churn + reactivation = closing. -#}

with monthly_mrr as (

    select * from {{ ref('int_account_mrr_monthly') }}

),

with_history as (

    select
        account_id,
        month,
        mrr_amount as mrr,
        mrr_amount_month_before as previous_mrr,
        coalesce(
            max(case when mrr_amount > 0 then 1 else 0 end) over (
                partition by account_id
                order by month
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) = 1 as had_mrr_before
    from monthly_mrr

),

classified as (

    select
        account_id,
        month,
        mrr,
        previous_mrr,
        mrr - previous_mrr as mrr_change,
        case
            when previous_mrr = 0 and mrr > 0 and not had_mrr_before then 'new'
            when previous_mrr = 0 and mrr > 0 then 'reactivation'
            when previous_mrr > 0 and mrr = 0 then 'churn'
            when mrr > previous_mrr then 'expansion'
            when mrr < previous_mrr then 'contraction'
            else 'retained'
        end as movement
    from with_history
    where mrr > 0 or previous_mrr > 0

),

final as (

    select
        account_id,
        month,
        cast(mrr as decimal(18, 2)) as mrr,
        cast(previous_mrr as decimal(18, 2)) as previous_mrr,
        cast(mrr_change as decimal(18, 2)) as mrr_change,
        movement,
        {{ is_complete_month('month') }} as is_complete_month
    from classified

)

select * from final
