-- For every month: opening MRR + new + expansion - contraction - churn
-- + reactivation = closing MRR. Returns the months where it does not hold.

with movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

monthly as (

    select
        month,
        sum(previous_mrr) as opening_mrr,
        sum(case when movement = 'new' then mrr_change else 0 end) as new_mrr,
        sum(case when movement = 'expansion' then mrr_change else 0 end) as expansion_mrr,
        sum(case when movement = 'contraction' then -mrr_change else 0 end) as contraction_mrr,
        sum(case when movement = 'churn' then -mrr_change else 0 end) as churn_mrr,
        sum(case when movement = 'reactivation' then mrr_change else 0 end) as reactivation_mrr,
        sum(mrr) as closing_mrr
    from movements
    group by month

),

final as (

    select *
    from monthly
    where abs(
        opening_mrr + new_mrr + expansion_mrr - contraction_mrr - churn_mrr + reactivation_mrr
        - closing_mrr
    ) > 0.005

)

select * from final
