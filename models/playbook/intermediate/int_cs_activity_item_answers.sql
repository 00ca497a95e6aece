{#- One row per CS activity (performed on or before the as-of date) and
    worklist item (int_worklist_item_history) it answers. An activity
    answers an item when all of these hold:
      - same account;
      - its kind answers the item's work item (seeds/playbook_activity_answers.csv,
        the version playbook_rules_version);
      - performed_on is in [appeared_on, due_on + follow_through_late_days]:
        from the day the item appeared on the worklist to the last day it
        can still be answered late;
      - a person performed it (performed_by not blank) when the seed says
        needs_csm.
    One activity can answer several items (a check-in while the account has
    a high-risk and a check-in item open answers both), and one item can be
    answered by several activities. fct_cs_activities picks each activity's
    primary item; mart_worklist_follow_through reads the items' side. -#}

{%- set late_days = var('follow_through_late_days') -%}

with activities as (

    select * from {{ ref('stg_cs__activities') }}

),

worklist_items as (

    select * from {{ ref('int_worklist_item_history') }}

),

activity_answers as (

    select * from {{ ref('playbook_activity_answers') }}
    where rules_version = '{{ var("playbook_rules_version") }}'

),

visible_activities as (

    select *
    from activities
    where {{ is_visible_at_as_of('performed_at') }}

),

final as (

    select
        visible_activities.activity_id,
        worklist_items.worklist_item_id,
        visible_activities.account_id,
        visible_activities.activity_kind,
        visible_activities.performed_at,
        visible_activities.performed_on,
        visible_activities.performed_by,
        worklist_items.work_item,
        worklist_items.rule_id,
        worklist_items.priority,
        worklist_items.appeared_on,
        worklist_items.due_on,
        coalesce(visible_activities.worklist_item_id = worklist_items.worklist_item_id, false) as is_given_item,
        cast(abs({{ dbt.datediff('worklist_items.due_on', 'visible_activities.performed_on', 'day') }}) as integer)
            as days_from_due
    from visible_activities
    inner join worklist_items
        on visible_activities.account_id = worklist_items.account_id
        and visible_activities.performed_on >= worklist_items.appeared_on
        and visible_activities.performed_on
            <= cast({{ dbt.dateadd('day', late_days, 'worklist_items.due_on') }} as date)
    inner join activity_answers
        on worklist_items.work_item = activity_answers.work_item
        and visible_activities.activity_kind = activity_answers.activity_kind
    where not activity_answers.needs_csm or not visible_activities.is_automated

)

select * from final
