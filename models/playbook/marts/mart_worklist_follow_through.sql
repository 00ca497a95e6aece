{#- One row per worklist item (int_worklist_item_history): was it acted on,
    by whom, how many days after it appeared, on time or late. An item is
    acted on by the first activity that answers it (int_cs_activity_item_answers:
    same account, an answering kind, from appeared_on to
    due_on + follow_through_late_days); every answering activity counts, so
    one check-in can act on two items of one account.
      on_time    first answer on or before due_on
      late       first answer after due_on (by the late window's last day)
      not_acted  no answer, and the late window (due_on +
                 follow_through_late_days) ended before the as-of date
      open       no answer yet, and the late window is still open
    Empty rather than wrong: with no activity landed the mart has no rows,
    and items that appeared before the first recorded activity (of any kind)
    are left out, so a company that starts exporting activities in March
    does not show January as never acted on. -#}

{%- set late_days = var('follow_through_late_days') -%}

with worklist_items as (

    select * from {{ ref('int_worklist_item_history') }}

),

item_answers as (

    select * from {{ ref('int_cs_activity_item_answers') }}

),

activities as (

    select * from {{ ref('stg_cs__activities') }}

),

first_recorded_activity as (

    select min(performed_on) as first_performed_on
    from activities
    where {{ is_visible_at_as_of('performed_at') }}

),

recorded_items as (

    select worklist_items.*
    from worklist_items
    inner join first_recorded_activity
        on worklist_items.appeared_on >= first_recorded_activity.first_performed_on

),

ordered_answers as (

    select
        *,
        row_number() over (partition by worklist_item_id order by performed_at asc, activity_id asc) as answer_order,
        count(*) over (partition by worklist_item_id) as activity_count
    from item_answers

),

first_answers as (

    select *
    from ordered_answers
    where answer_order = 1

),

final as (

    select
        recorded_items.worklist_item_id,
        recorded_items.account_id,
        recorded_items.work_item,
        recorded_items.rule_id,
        recorded_items.priority,
        recorded_items.appeared_on,
        recorded_items.due_on,
        recorded_items.appeared_on_precision,
        recorded_items.value_tier,
        recorded_items.csm_owner_id,
        first_answers.activity_id as first_activity_id,
        first_answers.activity_kind as first_activity_kind,
        first_answers.performed_on as first_acted_on,
        first_answers.performed_by as acted_by,
        cast(coalesce(first_answers.activity_count, 0) as integer) as activity_count,
        cast({{ dbt.datediff('recorded_items.appeared_on', 'first_answers.performed_on', 'day') }} as integer)
            as days_to_action,
        case
            when first_answers.performed_on <= recorded_items.due_on then 'on_time'
            when first_answers.performed_on is not null then 'late'
            when cast({{ dbt.dateadd('day', late_days, 'recorded_items.due_on') }} as date) < {{ as_of_date() }}
                then 'not_acted'
            else 'open'
        end as follow_through_status,
        {{ as_of_date() }} as as_of_date
    from recorded_items
    left join first_answers on recorded_items.worklist_item_id = first_answers.worklist_item_id

)

select * from final
