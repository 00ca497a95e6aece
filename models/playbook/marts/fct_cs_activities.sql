{#- One row per logged CS activity (cs/activities) performed on or before the
    as-of date, with the worklist item it answered (int_worklist_item_history).
    An activity answers an item when all of these hold:
      - same account;
      - its kind answers the item's work item (seeds/playbook_activity_answers.csv,
        the version playbook_rules_version);
      - performed_on is in [appeared_on, due_on + follow_through_late_days]:
        from the day the item appeared on the worklist to the last day it
        can still be answered late;
      - a person performed it (performed_by not blank) when the seed says
        needs_csm.
    An activity that answers several items gets one primary item:
      1. the item named by its worklist_item_id, when it answers that item
         (match_method worklist_item_id);
      2. otherwise the most urgent item it answers (lowest priority), then
         the nearest due_on, then the lowest worklist_item_id (window);
      3. none when it answers no item (unprompted).
    A worklist_item_id the CS tool wrote that names no item (stale or a
    typo) is kept as given and the window decides. The notes never reach
    this model (stg_cs__activities leaves them out). -#}

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

answered_items as (

    select
        visible_activities.activity_id,
        worklist_items.worklist_item_id,
        worklist_items.work_item,
        worklist_items.rule_id,
        worklist_items.appeared_on,
        coalesce(visible_activities.worklist_item_id = worklist_items.worklist_item_id, false) as is_given_item,
        worklist_items.priority,
        abs({{ dbt.datediff('worklist_items.due_on', 'visible_activities.performed_on', 'day') }}) as days_from_due
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

),

ranked_items as (

    select
        *,
        count(*) over (partition by activity_id) as answered_item_count,
        row_number() over (
            partition by activity_id
            order by is_given_item desc, priority asc, days_from_due asc, worklist_item_id asc
        ) as item_rank
    from answered_items

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
