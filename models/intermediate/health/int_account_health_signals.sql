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

grid_probes as (

    -- Each grid row's three probe days: the as-of date, 30 and 60 days
    -- before it (probe_rank 0, 1, 2).
    select
        account_id,
        as_of_date,
        0 as probe_rank,
        as_of_date as timeline_on
    from grid

    union all

    select
        account_id,
        as_of_date,
        1 as probe_rank,
        cast({{ dbt.dateadd('day', -window_days, 'as_of_date') }} as date) as timeline_on
    from grid

    union all

    select
        account_id,
        as_of_date,
        2 as probe_rank,
        cast({{ dbt.dateadd('day', -2 * window_days, 'as_of_date') }} as date) as timeline_on
    from grid

),

probes as (

    select distinct
        account_id,
        timeline_on
    from grid_probes

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

probe_values as (

    -- One join to the running totals, then one row per grid row (the
    -- running-total CTE is read once, not once per probe).
    select
        grid_probes.account_id,
        grid_probes.as_of_date,
        max(case when grid_probes.probe_rank = 0 then probe_totals.last_login_on end) as last_login_on,
        max(case when grid_probes.probe_rank = 0 then probe_totals.events_to_date end) as events_at_date,
        max(case when grid_probes.probe_rank = 1 then probe_totals.events_to_date end) as events_back_one,
        max(case when grid_probes.probe_rank = 2 then probe_totals.events_to_date end) as events_back_two,
        max(case when grid_probes.probe_rank = 0 then probe_totals.login_days_to_date end) as login_days_at_date,
        max(case when grid_probes.probe_rank = 1 then probe_totals.login_days_to_date end) as login_days_back_one,
        max(case when grid_probes.probe_rank = 0 then probe_totals.tickets_to_date end) as tickets_at_date,
        max(case when grid_probes.probe_rank = 1 then probe_totals.tickets_to_date end) as tickets_back_one,
        max(case when grid_probes.probe_rank = 2 then probe_totals.tickets_to_date end) as tickets_back_two
    from grid_probes
    inner join probe_totals
        on grid_probes.account_id = probe_totals.account_id
        and grid_probes.timeline_on = probe_totals.timeline_on
    group by grid_probes.account_id, grid_probes.as_of_date

),

final as (

    select
        account_id,
        as_of_date,
        last_login_on,
        {{ dbt.datediff('last_login_on', 'as_of_date', 'day') }} as days_since_last_login,
        cast(login_days_at_date - login_days_back_one as integer) as login_days_last_30d,
        cast(events_at_date - events_back_one as integer) as events_last_30d,
        cast(events_back_one - events_back_two as integer) as events_prior_30d,
        cast(tickets_at_date - tickets_back_one as integer) as tickets_last_30d,
        cast(tickets_back_one - tickets_back_two as integer) as tickets_prior_30d
    from probe_values

)

select * from final
