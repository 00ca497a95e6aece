-- Every movement label matches its numbers, so a wrong label fails here
-- (the old identity test summed each kind's mrr_change and held whatever
-- the labels were). Per row, by kind, with an account's first month with
-- MRR read off its own rows:
--   new           previous_mrr = 0 < mrr, the account's first month with MRR
--   reactivation  previous_mrr = 0 < mrr, after an earlier month with MRR
--   expansion     0 < previous_mrr < mrr
--   contraction   0 < mrr < previous_mrr
--   churn         mrr = 0 < previous_mrr
--   retained      0 < mrr = previous_mrr
-- and mrr_change = mrr - previous_mrr. Per month, the movements sum to the
-- change by kind, each kind summed from the rows carrying its label:
-- opening (sum of previous_mrr) + new (their mrr) + expansion (mrr -
-- previous_mrr) - contraction (previous_mrr - mrr) - churn (their
-- previous_mrr) + reactivation (their mrr) = closing (sum of mrr).
-- Returns the failing rows and months.

with movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

first_mrr_months as (

    select
        account_id,
        min(month) as first_mrr_month
    from movements
    where mrr > 0
    group by account_id

),

expected as (

    select
        movements.*,
        case
            when movements.previous_mrr = 0 and movements.mrr > 0
                and movements.month = first_mrr_months.first_mrr_month then 'new'
            when movements.previous_mrr = 0 and movements.mrr > 0
                and movements.month > first_mrr_months.first_mrr_month then 'reactivation'
            when movements.previous_mrr > 0 and movements.mrr > movements.previous_mrr
                then 'expansion'
            when movements.mrr > 0 and movements.mrr < movements.previous_mrr then 'contraction'
            when movements.mrr = 0 and movements.previous_mrr > 0 then 'churn'
            when movements.mrr > 0 and movements.mrr = movements.previous_mrr then 'retained'
        end as expected_movement
    from movements
    left join first_mrr_months on movements.account_id = first_mrr_months.account_id

),

row_failures as (

    select
        'row' as failure_kind,
        account_id,
        month,
        movement,
        expected_movement,
        mrr_change as amount,
        mrr - previous_mrr as expected_amount
    from expected
    where movement is distinct from expected_movement
        or mrr_change <> mrr - previous_mrr

),

monthly as (

    select
        month,
        sum(previous_mrr) as opening_mrr,
        sum(case when movement = 'new' then mrr else 0 end) as new_mrr,
        sum(case when movement = 'expansion' then mrr - previous_mrr else 0 end) as expansion_mrr,
        sum(case when movement = 'contraction' then previous_mrr - mrr else 0 end) as contraction_mrr,
        sum(case when movement = 'churn' then previous_mrr else 0 end) as churn_mrr,
        sum(case when movement = 'reactivation' then mrr else 0 end) as reactivation_mrr,
        sum(mrr) as closing_mrr
    from movements
    group by month

),

month_failures as (

    select
        'month' as failure_kind,
        cast(null as {{ dbt.type_string() }}) as account_id,
        month,
        cast(null as {{ dbt.type_string() }}) as movement,
        cast(null as {{ dbt.type_string() }}) as expected_movement,
        opening_mrr + new_mrr + expansion_mrr - contraction_mrr - churn_mrr + reactivation_mrr
            as amount,
        closing_mrr as expected_amount
    from monthly
    where opening_mrr + new_mrr + expansion_mrr - contraction_mrr - churn_mrr + reactivation_mrr
        <> closing_mrr

),

final as (

    select * from row_failures
    union all
    select * from month_failures

)

select * from final
