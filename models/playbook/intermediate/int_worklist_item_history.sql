{#- Every worklist item the CSM worklist (mart_csm_worklist) has listed up to
    the as-of date, rebuilt from the history the warehouse keeps: one row per
    item = one account and work item over a run of listing days.
      csm_checkin_due,   each cycle day due_on = first_paid_on + k x the
      usage_report_due   interval (k = 0, 1, ...) is one item, listed from
                         worklist_window_days - 1 days before due_on to
                         due_on. Its kind comes from the account on the
                         due day, or on the as-of date while it is still
                         listed (so a listed item has the kind the worklist
                         shows): paying then (a subscription running), and
                         the tier of that day's quarter, high = check-in,
                         mid or low = usage report. Exact over the whole
                         history: the days are arithmetic.
      high_risk,         the health grid days (fct_account_health) on which
      churn_flag         the worklist condition holds: high risk, or a churn
                         flag on a high-tier account that is not high risk.
                         Listing days of one account and work item at most
                         worklist_item_merge_gap_days apart are one item (a
                         flag that flickers off and on is one item; the
                         weekly part of the grid is one step apart). Such an
                         item is due on the day it appeared. Its appeared_on
                         is exact ('day') when the day before was on the grid
                         too; in the weekly part of the grid it is known only
                         to the week ('week': up to 6 days late, and short
                         items can be missed between two weekly days).
    Trial items (trial_signal) are not rebuilt yet.
    worklist_item_id is work_item:account_id:anchor, the anchor being due_on
    for cycle items and appeared_on for health items. Health ids are stable
    while the item is in the daily part of the grid only (the weekly days
    move with the as-of date), so an id written back by a CS tool is a hint,
    not a key. csm_owner_id is the owner accountable when the item appeared:
    the latest CRM version updated on or before appeared_on. -#}

{%- set window_days = var('worklist_window_days') -%}
{%- set merge_gap_days = var('worklist_item_merge_gap_days') -%}
{#- 600 cycles of a monthly interval are 50 years of history. -#}
{%- set max_cycles = 600 -%}

with account_health as (

    select * from {{ ref('fct_account_health') }}

),

account_tiers as (

    select * from {{ ref('fct_account_tiers') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

health_grid as (

    select * from {{ ref('int_health_as_of_dates') }}

),

cycle_numbers as (

    select cast(generated_number - 1 as integer) as cycle_number
    from ({{ dbt.generate_series(max_cycles) }}) as cycle_numbers

),

cycle_days as (

    {% for work_item_group, interval_var in [
        ('csm_checkin', 'csm_checkin_interval_days'),
        ('usage_report', 'usage_report_interval_days'),
    ] -%}
    select
        accounts.account_id,
        '{{ work_item_group }}' as work_item_group,
        cast({{ dbt.dateadd(
            'day', var(interval_var) ~ ' * cycle_numbers.cycle_number', 'accounts.first_paid_on'
        ) }} as date) as due_on
    from accounts
    cross join cycle_numbers
    where accounts.first_paid_on is not null
    {%- if not loop.last %}
    union all
    {% endif -%}
    {%- endfor %}

),

listed_cycle_days as (

    select
        account_id,
        work_item_group,
        due_on,
        cast({{ dbt.dateadd('day', -(window_days - 1), 'due_on') }} as date) as appeared_on,
        least(due_on, {{ as_of_date() }}) as last_listed_on
    from cycle_days
    where due_on < cast({{ dbt.dateadd('day', window_days, as_of_date()) }} as date)

),

paying_cycle_days as (

    select distinct listed_cycle_days.*
    from listed_cycle_days
    inner join subscriptions
        on listed_cycle_days.account_id = subscriptions.account_id
        and listed_cycle_days.last_listed_on >= subscriptions.started_on
        and (subscriptions.ended_on is null or listed_cycle_days.last_listed_on < subscriptions.ended_on)

),

cycle_items as (

    select
        paying_cycle_days.account_id,
        case when account_tiers.value_tier = 'high' then 'csm_checkin_due' else 'usage_report_due' end as work_item,
        paying_cycle_days.appeared_on,
        paying_cycle_days.due_on,
        paying_cycle_days.last_listed_on,
        'day' as appeared_on_precision,
        account_tiers.value_tier
    from paying_cycle_days
    inner join account_tiers
        on paying_cycle_days.account_id = account_tiers.account_id
        and account_tiers.quarter_start = cast({{ dbt.date_trunc('quarter', 'paying_cycle_days.last_listed_on') }} as date)
    where (account_tiers.value_tier = 'high') = (paying_cycle_days.work_item_group = 'csm_checkin')

),

health_listing_days as (

    select
        account_health.account_id,
        account_health.as_of_date as listed_on,
        case when account_health.risk_level = 'high' then 'high_risk' else 'churn_flag' end as work_item,
        account_tiers.value_tier
    from account_health
    left join account_tiers
        on account_health.account_id = account_tiers.account_id
        and account_tiers.quarter_start = cast({{ dbt.date_trunc('quarter', 'account_health.as_of_date') }} as date)
    where account_health.risk_level = 'high'
        or (account_health.flag_count > 0 and account_tiers.value_tier = 'high')

),

health_listing_starts as (

    select
        *,
        case
            when lag(listed_on) over (partition by account_id, work_item order by listed_on)
                >= cast({{ dbt.dateadd('day', -merge_gap_days, 'listed_on') }} as date)
                then 0
            else 1
        end as is_new_item
    from health_listing_days

),

health_listing_numbers as (

    select
        *,
        sum(is_new_item) over (
            partition by account_id, work_item order by listed_on rows between unbounded preceding and current row
        ) as item_number
    from health_listing_starts

),

health_runs as (

    select
        account_id,
        work_item,
        min(listed_on) as appeared_on,
        max(listed_on) as last_listed_on
    from health_listing_numbers
    group by account_id, work_item, item_number

),

health_items as (

    select
        health_runs.account_id,
        health_runs.work_item,
        health_runs.appeared_on,
        health_runs.appeared_on as due_on,
        health_runs.last_listed_on,
        case when health_grid.as_of_date is not null then 'day' else 'week' end as appeared_on_precision,
        health_listing_days.value_tier
    from health_runs
    left join health_listing_days
        on health_runs.account_id = health_listing_days.account_id
        and health_runs.work_item = health_listing_days.work_item
        and health_runs.appeared_on = health_listing_days.listed_on
    left join health_grid
        on health_grid.as_of_date = cast({{ dbt.dateadd('day', -1, 'health_runs.appeared_on') }} as date)

),

items as (

    select * from cycle_items
    union all
    select * from health_items

),

owner_versions as (

    select
        items.account_id,
        items.work_item,
        items.due_on,
        crm_accounts.csm_owner_id,
        row_number() over (
            partition by items.account_id, items.work_item, items.due_on
            order by crm_accounts.updated_at desc
        ) as version_recency
    from items
    inner join crm_accounts
        on items.account_id = crm_accounts.account_id
        and cast(crm_accounts.updated_at as date) <= items.appeared_on

),

final as (

    select
        {{ dbt.concat(["items.work_item", "':'", "items.account_id", "':'",
            "cast(items.due_on as " ~ dbt.type_string() ~ ")"]) }} as worklist_item_id,
        items.account_id,
        items.work_item,
        case
            when items.work_item = 'high_risk' then 'R01'
            when items.work_item = 'churn_flag' then 'R14'
            when items.work_item = 'csm_checkin_due' then 'R07'
            when items.value_tier = 'mid' then 'R10'
            else 'R11'
        end as rule_id,
        cast(case
            when items.work_item = 'high_risk' then 1
            when items.work_item = 'churn_flag' then 2
            when items.work_item = 'csm_checkin_due' then 4
            else 5
        end as integer) as priority,
        items.appeared_on,
        items.due_on,
        items.last_listed_on,
        items.last_listed_on = {{ as_of_date() }} as is_listed_at_as_of,
        items.appeared_on_precision,
        items.value_tier,
        owner_versions.csm_owner_id,
        {{ as_of_date() }} as as_of_date
    from items
    left join owner_versions
        on items.account_id = owner_versions.account_id
        and items.work_item = owner_versions.work_item
        and items.due_on = owner_versions.due_on
        and owner_versions.version_recency = 1

)

select * from final
