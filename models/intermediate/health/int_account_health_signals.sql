{#- Raw health signals per account x as-of date of the health grid, each
    from data dated on or before that as-of date only:
      - last login and days since it; login days and events in the last 30
        days (D-29..D) and the 30 days before (D-59..D-30); tickets created
        in the same two windows (day of created_at);
    Scale: the event table is read once, through int_account_daily_activity
    (account x day). Instead of joining every as-of date to every earlier
    day, the account's activity days, ticket days and "probe" days (D, D-30,
    D-60 for every as-of date D) go on one timeline; running totals over it
    give, at each probe day, the totals up to that day, and a window is the
    difference of two probes. Only equality joins, no re-scan per date. -#}

{#- 30 days: fixed by the contract's column names (tickets_last_30d). -#}
{%- set window_days = 30 -%}

with grid as (

    select * from {{ ref('int_account_health_grid') }}

),

daily_activity as (

    select * from {{ ref('int_account_daily_activity') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

grid_accounts as (

    select distinct account_id from grid

),

probe_offsets as (

    select 0 as offset_days
    union all
    select {{ window_days }} as offset_days
    union all
    select {{ 2 * window_days }} as offset_days

),

probes as (

    select distinct
        grid.account_id,
        cast({{ dbt.dateadd('day', '-1 * probe_offsets.offset_days', 'grid.as_of_date') }} as date) as timeline_on
    from grid
    cross join probe_offsets

),

ticket_days as (

    select
        tickets.account_id,
        cast(tickets.created_at as date) as timeline_on,
        count(*) as ticket_count
    from tickets
    inner join grid_accounts on tickets.account_id = grid_accounts.account_id
    group by tickets.account_id, cast(tickets.created_at as date)

),

timeline as (

    -- sort_rank puts the day's activity before the day's probe, so a probe
    -- on day d counts everything dated d or earlier.
    select
        daily_activity.account_id,
        daily_activity.activity_on as timeline_on,
        0 as sort_rank,
        daily_activity.event_count,
        case when daily_activity.login_count > 0 then 1 else 0 end as login_day_count,
        case when daily_activity.login_count > 0 then daily_activity.activity_on end as login_on,
        0 as ticket_count
    from daily_activity
    inner join grid_accounts on daily_activity.account_id = grid_accounts.account_id

    union all

    select
        account_id,
        timeline_on,
        0 as sort_rank,
        0 as event_count,
        0 as login_day_count,
        cast(null as date) as login_on,
        ticket_count
    from ticket_days

    union all

    select
        account_id,
        timeline_on,
        1 as sort_rank,
        0 as event_count,
        0 as login_day_count,
        cast(null as date) as login_on,
        0 as ticket_count
    from probes

),

running_totals as (

    select
        account_id,
        timeline_on,
        sort_rank,
        sum(event_count) over account_timeline as events_to_date,
        sum(login_day_count) over account_timeline as login_days_to_date,
        sum(ticket_count) over account_timeline as tickets_to_date,
        max(login_on) over account_timeline as last_login_on
    from timeline
    window account_timeline as (
        partition by account_id
        order by timeline_on, sort_rank
        rows between unbounded preceding and current row
    )

),

probe_totals as (

    select *
    from running_totals
    where sort_rank = 1

),

final as (

    select
        grid.account_id,
        grid.as_of_date,
        at_date.last_login_on,
        {{ dbt.datediff('at_date.last_login_on', 'grid.as_of_date', 'day') }} as days_since_last_login,
        cast(at_date.login_days_to_date - back_one.login_days_to_date as integer) as login_days_last_30d,
        cast(at_date.events_to_date - back_one.events_to_date as integer) as events_last_30d,
        cast(back_one.events_to_date - back_two.events_to_date as integer) as events_prior_30d,
        cast(at_date.tickets_to_date - back_one.tickets_to_date as integer) as tickets_last_30d,
        cast(back_one.tickets_to_date - back_two.tickets_to_date as integer) as tickets_prior_30d
    from grid
    inner join probe_totals as at_date
        on grid.account_id = at_date.account_id
        and grid.as_of_date = at_date.timeline_on
    inner join probe_totals as back_one
        on grid.account_id = back_one.account_id
        and cast({{ dbt.dateadd('day', -window_days, 'grid.as_of_date') }} as date) = back_one.timeline_on
    inner join probe_totals as back_two
        on grid.account_id = back_two.account_id
        and cast({{ dbt.dateadd('day', -2 * window_days, 'grid.as_of_date') }} as date) = back_two.timeline_on

)

select * from final
