-- Dagster shows it as a check of the worklist history.
{{ config(meta={'dagster': {'ref': {'name': 'int_worklist_item_history'}}}) }}

-- The rebuilt worklist history agrees with today's worklist: the items
-- listed at the as-of date are exactly the rows of mart_csm_worklist (trial
-- items aside: not rebuilt yet). Cycle items match on their due day; a
-- health item is due today in the worklist and on the day it appeared in
-- the history, so it matches on the account and work item. Returns every
-- item found on one side only.

with history as (

    select * from {{ ref('int_worklist_item_history') }}

),

worklist as (

    select * from {{ ref('mart_csm_worklist') }}

),

listed_items as (

    select
        account_id,
        work_item,
        case when work_item in ('high_risk', 'churn_flag') then null else due_on end as due_on
    from history
    where is_listed_at_as_of

),

worklist_items as (

    select
        account_id,
        work_item,
        case when work_item in ('high_risk', 'churn_flag') then null else due_on end as due_on
    from worklist
    where work_item != 'trial_signal'

),

matched as (

    select
        listed_items.account_id as history_account_id,
        worklist_items.account_id as worklist_account_id,
        coalesce(listed_items.account_id, worklist_items.account_id) as account_id,
        coalesce(listed_items.work_item, worklist_items.work_item) as work_item,
        coalesce(listed_items.due_on, worklist_items.due_on) as due_on
    from listed_items
    full outer join worklist_items
        on listed_items.account_id = worklist_items.account_id
        and listed_items.work_item = worklist_items.work_item
        and listed_items.due_on is not distinct from worklist_items.due_on

),

final as (

    select
        case when worklist_account_id is null then 'only_in_history' else 'only_in_worklist' end as mismatch,
        account_id,
        work_item,
        due_on
    from matched
    where history_account_id is null or worklist_account_id is null

)

select * from final
