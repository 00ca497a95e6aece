{#- Does the churn warning work? For each flag, "any flag", and each risk
    level, against actual churn within 30, 60 and 90 days (var
    health_backtest_horizons_days).

    Snapshots: the weekly as-of dates of the health grid (every 7th day back
    from the as-of date), so recent days do not outweigh older weeks. A
    snapshot row is a paying account on that date with its signals as known
    then; its outcome is whether the account churned (int_account_churn_events)
    in the H days after it. Outcomes use data up to the build's as-of date,
    so only snapshots at least H days old are scored (older outcomes are
    complete).
      precision_rate  share of signalled snapshot rows that churned within
                      H days; for a risk level, its real churn rate
      base_churn_rate the same for all scored snapshot rows
      recall_rate     share of churn events (with H days of snapshots before
                      them) signalled on at least one snapshot in the H days
                      before the churn
      median_lead_days for caught events, days from the first signalled
                      snapshot in that window to the churn (weekly
                      snapshots: up to 6 days earlier in reality)
    Every rate is null when its denominator is 0. -#}

{%- set horizons = var('health_backtest_horizons_days') -%}
{%- set signals = [
    ('flag_no_login', 'flag', 'flag_no_login'),
    ('flag_ticket_rise', 'flag', 'flag_ticket_rise'),
    ('flag_nps_drop', 'flag', 'flag_nps_drop'),
    ('any_flag', 'flag', 'flag_count > 0'),
    ('risk_high', 'risk_level', "risk_level = 'high'"),
    ('risk_medium', 'risk_level', "risk_level = 'medium'"),
    ('risk_low', 'risk_level', "risk_level = 'low'"),
] -%}

with account_health as (

    select * from {{ ref('fct_account_health') }}

),

as_of_dates as (

    select * from {{ ref('int_health_as_of_dates') }}

),

churn_events as (

    select * from {{ ref('int_account_churn_events') }}

),

horizons as (

    {% for horizon in horizons -%}
    select {{ horizon }} as horizon_days
    {%- if not loop.last %}
    union all
    {% endif -%}
    {%- endfor %}

),

snapshot_dates as (

    select as_of_date
    from as_of_dates
    where is_weekly_snapshot

),

snapshot_signals as (

    {% for signal_name, signal_kind, condition in signals -%}
    select
        account_health.account_id,
        account_health.as_of_date,
        '{{ signal_name }}' as signal_name,
        '{{ signal_kind }}' as signal_kind,
        coalesce({{ condition }}, false) as is_signalled
    from account_health
    inner join snapshot_dates on account_health.as_of_date = snapshot_dates.as_of_date
    {%- if not loop.last %}
    union all
    {% endif -%}
    {%- endfor %}

),

next_churn as (

    select
        account_health.account_id,
        account_health.as_of_date,
        min(churn_events.churned_on) as next_churned_on
    from account_health
    inner join snapshot_dates on account_health.as_of_date = snapshot_dates.as_of_date
    inner join churn_events
        on account_health.account_id = churn_events.account_id
        and account_health.as_of_date < churn_events.churned_on
    group by account_health.account_id, account_health.as_of_date

),

scored_snapshots as (

    select
        snapshot_signals.signal_name,
        snapshot_signals.signal_kind,
        horizons.horizon_days,
        snapshot_signals.is_signalled,
        coalesce(
            next_churn.next_churned_on
                <= cast({{ dbt.dateadd('day', 'horizons.horizon_days', 'snapshot_signals.as_of_date') }} as date),
            false
        ) as churned_within_horizon
    from snapshot_signals
    cross join horizons
    left join next_churn
        on snapshot_signals.account_id = next_churn.account_id
        and snapshot_signals.as_of_date = next_churn.as_of_date
    where cast({{ dbt.dateadd('day', 'horizons.horizon_days', 'snapshot_signals.as_of_date') }} as date)
        <= {{ as_of_date() }}

),

precision_counts as (

    select
        signal_name,
        signal_kind,
        horizon_days,
        count(*) as scored_snapshot_count,
        sum(case when churned_within_horizon then 1 else 0 end) as churned_snapshot_count,
        sum(case when is_signalled then 1 else 0 end) as signalled_snapshot_count,
        sum(case when is_signalled and churned_within_horizon then 1 else 0 end)
            as signalled_then_churned_count
    from scored_snapshots
    group by signal_name, signal_kind, horizon_days

),

first_snapshot as (

    select min(as_of_date) as first_snapshot_on from snapshot_dates

),

eligible_events as (

    -- Churn events with a full H days of snapshots before them.
    select
        churn_events.account_id,
        churn_events.churned_on,
        horizons.horizon_days
    from churn_events
    cross join horizons
    cross join first_snapshot
    where cast({{ dbt.dateadd('day', '-1 * horizons.horizon_days', 'churn_events.churned_on') }} as date)
        >= first_snapshot.first_snapshot_on

),

event_warnings as (

    select
        eligible_events.account_id,
        eligible_events.churned_on,
        eligible_events.horizon_days,
        snapshot_signals.signal_name,
        min(case when snapshot_signals.is_signalled then snapshot_signals.as_of_date end)
            as first_signalled_on
    from eligible_events
    inner join snapshot_signals
        on eligible_events.account_id = snapshot_signals.account_id
        and eligible_events.churned_on > snapshot_signals.as_of_date
        and snapshot_signals.as_of_date
            >= cast({{ dbt.dateadd('day', '-1 * eligible_events.horizon_days', 'eligible_events.churned_on') }} as date)
    group by
        eligible_events.account_id,
        eligible_events.churned_on,
        eligible_events.horizon_days,
        snapshot_signals.signal_name

),

signal_names as (

    select distinct
        signal_name,
        signal_kind
    from snapshot_signals

),

recall_counts as (

    select
        signal_names.signal_name,
        eligible_events.horizon_days,
        count(*) as churn_event_count,
        sum(case when event_warnings.first_signalled_on is not null then 1 else 0 end)
            as caught_churn_event_count,
        {{ median_value(dbt.datediff('event_warnings.first_signalled_on', 'eligible_events.churned_on', 'day')) }}
            as median_lead_days
    from eligible_events
    cross join signal_names
    left join event_warnings
        on eligible_events.account_id = event_warnings.account_id
        and eligible_events.churned_on = event_warnings.churned_on
        and eligible_events.horizon_days = event_warnings.horizon_days
        and signal_names.signal_name = event_warnings.signal_name
    group by signal_names.signal_name, eligible_events.horizon_days

),

final as (

    select
        precision_counts.signal_name,
        precision_counts.signal_kind,
        cast(precision_counts.horizon_days as integer) as horizon_days,
        cast(precision_counts.scored_snapshot_count as integer) as scored_snapshot_count,
        cast(precision_counts.signalled_snapshot_count as integer) as signalled_snapshot_count,
        cast(precision_counts.signalled_then_churned_count as integer) as signalled_then_churned_count,
        {{ safe_divide('precision_counts.signalled_then_churned_count', 'precision_counts.signalled_snapshot_count') }}
            as precision_rate,
        {{ safe_divide('precision_counts.churned_snapshot_count', 'precision_counts.scored_snapshot_count') }}
            as base_churn_rate,
        case
            when precision_counts.signalled_snapshot_count > 0 and precision_counts.churned_snapshot_count > 0
                then (cast(precision_counts.signalled_then_churned_count as double)
                    / precision_counts.signalled_snapshot_count)
                    / (cast(precision_counts.churned_snapshot_count as double)
                    / precision_counts.scored_snapshot_count)
        end as lift,
        cast(coalesce(recall_counts.churn_event_count, 0) as integer) as churn_event_count,
        cast(coalesce(recall_counts.caught_churn_event_count, 0) as integer) as caught_churn_event_count,
        {{ safe_divide('recall_counts.caught_churn_event_count', 'recall_counts.churn_event_count') }}
            as recall_rate,
        cast(recall_counts.median_lead_days as double) as median_lead_days,
        coalesce(
            {{ safe_divide('precision_counts.signalled_then_churned_count', 'precision_counts.signalled_snapshot_count') }}
                >= {{ var('high_risk_churn_likelihood') }},
            false
        ) as meets_high_risk_churn_likelihood,
        {{ as_of_date() }} as as_of_date
    from precision_counts
    left join recall_counts
        on precision_counts.signal_name = recall_counts.signal_name
        and precision_counts.horizon_days = recall_counts.horizon_days

)

select * from final
