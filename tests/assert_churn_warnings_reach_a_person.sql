-- Dagster shows it as a check of the worklist (it reads four marts).
{{ config(meta={'dagster': {'ref': {'name': 'mart_csm_worklist'}}}) }}

-- Every churn warning reaches a person, and the worklist and the next
-- actions tell the same story. At the as-of date, returns:
--   unreached     a paying or loyal account with a churn flag or at high
--                 risk that has neither a high_risk / churn_flag item on
--                 the CSM worklist nor an automated action fired by
--                 has_churn_flag;
--   disagreement  an account with a high_risk / churn_flag work item that
--                 no churn-warning rule (is_high_risk, has_churn_flag)
--                 gives a CSM action, or the other way round.

with account_health as (

    select * from {{ ref('fct_account_health') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

worklist as (

    select * from {{ ref('mart_csm_worklist') }}

),

next_actions as (

    select * from {{ ref('mart_account_next_actions') }}

),

warned as (

    select account_health.account_id
    from account_health
    inner join accounts on account_health.account_id = accounts.account_id
    where account_health.as_of_date = {{ as_of_date() }}
        and accounts.lifecycle_stage in ('paying', 'loyal')
        and (account_health.flag_count > 0 or account_health.risk_level = 'high')

),

csm_items as (

    select distinct account_id
    from worklist
    where work_item in ('high_risk', 'churn_flag')

),

csm_actions as (

    select distinct account_id
    from next_actions
    where owner_kind = 'csm'
        and signal in ('is_high_risk', 'has_churn_flag')

),

automated_actions as (

    select distinct account_id
    from next_actions
    where owner_kind = 'automated'
        and signal = 'has_churn_flag'

),

unreached as (

    select
        warned.account_id,
        'unreached' as problem
    from warned
    left join csm_items on warned.account_id = csm_items.account_id
    left join automated_actions on warned.account_id = automated_actions.account_id
    where csm_items.account_id is null
        and automated_actions.account_id is null

),

disagreement as (

    select
        coalesce(csm_items.account_id, csm_actions.account_id) as account_id,
        'disagreement' as problem
    from csm_items
    full outer join csm_actions on csm_items.account_id = csm_actions.account_id
    where csm_items.account_id is null
        or csm_actions.account_id is null

),

final as (

    select * from unreached
    union all
    select * from disagreement

)

select * from final
