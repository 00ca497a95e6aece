-- Each month opens with the MRR the month before closed with.
-- Per account and month: a row's previous_mrr is the mrr of the account's
-- row for the month before (0 when it has none: before its first MRR, or
-- in the months at 0 after a churn row), and a month that closes with MRR
-- is followed by a row for the next month (up to the as-of month), so MRR
-- never leaves without a churn row. Per month: the opening MRR (sum of
-- previous_mrr) is the previous month's closing MRR (sum of mrr).
-- Returns the rows and months where either fails.

with movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

with_neighbours as (

    select
        movements.account_id,
        movements.month,
        movements.mrr,
        movements.previous_mrr,
        month_before.mrr as month_before_mrr,
        month_after.account_id is not null as has_month_after
    from movements
    left join movements as month_before
        on movements.account_id = month_before.account_id
        and month_before.month = {{ dbt.dateadd('month', -1, 'movements.month') }}
    left join movements as month_after
        on movements.account_id = month_after.account_id
        and month_after.month = {{ dbt.dateadd('month', 1, 'movements.month') }}

),

account_failures as (

    select
        account_id,
        month,
        previous_mrr as opening_mrr,
        coalesce(month_before_mrr, 0) as previous_closing_mrr,
        has_month_after
    from with_neighbours
    where previous_mrr <> coalesce(month_before_mrr, 0)
        or (mrr > 0 and not has_month_after and month < {{ month_start(as_of_date()) }})

),

monthly as (

    select
        month,
        sum(previous_mrr) as opening_mrr,
        sum(mrr) as closing_mrr
    from movements
    group by month

),

month_failures as (

    select
        cast(null as {{ dbt.type_string() }}) as account_id,
        monthly.month,
        monthly.opening_mrr,
        coalesce(month_before.closing_mrr, 0) as previous_closing_mrr,
        cast(null as boolean) as has_month_after
    from monthly
    left join monthly as month_before
        on month_before.month = {{ dbt.dateadd('month', -1, 'monthly.month') }}
    where monthly.opening_mrr <> coalesce(month_before.closing_mrr, 0)

),

final as (

    select * from account_failures
    union all
    select * from month_failures

)

select * from final
