{#- One row per logged CS activity (cs/activities) performed on or before the
    as-of date, with the worklist item it answered. Which items an activity
    answers (same account, an answering kind, in the item's window, by a
    person when needed) is int_cs_activity_item_answers; of those, the
    primary item is:
      1. the item named by its worklist_item_id, when it answers that item
         (match_method worklist_item_id);
      2. otherwise the most urgent item it answers (lowest priority), then
         the nearest due_on, then the lowest worklist_item_id (window);
      3. none when it answers no item (unprompted).
    A worklist_item_id the CS tool wrote that names no item (stale or a
    typo) is kept as given and the window decides. The notes never reach
    this model (stg_cs__activities leaves them out). -#}

with activities as (

    select * from {{ ref('stg_cs__activities') }}

),

worklist_items as (

    select * from {{ ref('int_worklist_item_history') }}

),

item_answers as (

    select * from {{ ref('int_cs_activity_item_answers') }}

),

visible_activities as (

    select *
    from activities
    where {{ is_visible_at_as_of('performed_at') }}

),

ranked_items as (

    select
        *,
        count(*) over (partition by activity_id) as answered_item_count,
        row_number() over (
            partition by activity_id
            order by is_given_item desc, priority asc, days_from_due asc, worklist_item_id asc
        ) as item_rank
    from item_answers

),

primary_items as (

    select *
    from ranked_items
    where item_rank = 1

),

final as (

    select
        visible_activities.activity_id,
        visible_activities.account_id,
        visible_activities.activity_kind,
        visible_activities.performed_at,
        visible_activities.performed_on,
        visible_activities.performed_by,
        visible_activities.is_automated,
        visible_activities.channel,
        primary_items.worklist_item_id,
        primary_items.work_item,
        primary_items.rule_id,
        case
            when primary_items.is_given_item then 'worklist_item_id'
            when primary_items.worklist_item_id is not null then 'window'
            else 'unprompted'
        end as match_method,
        cast(coalesce(primary_items.answered_item_count, 0) as integer) as answered_item_count,
        cast({{ dbt.datediff('primary_items.appeared_on', 'visible_activities.performed_on', 'day') }} as integer)
            as days_after_appeared,
        visible_activities.worklist_item_id as given_worklist_item_id,
        case
            when visible_activities.worklist_item_id is null then null
            else given_items.worklist_item_id is not null
        end as is_given_worklist_item_id_known,
        {{ as_of_date() }} as as_of_date
    from visible_activities
    left join primary_items on visible_activities.activity_id = primary_items.activity_id
    left join worklist_items as given_items
        on visible_activities.worklist_item_id = given_items.worklist_item_id

)

select * from final
