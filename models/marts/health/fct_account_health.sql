{#- Account health and churn warning (playbook section 3), one row per
    paying account and as-of date of the health grid (daily for the last
    health_daily_history_days days, then weekly). Every figure uses only
    data dated on or before the row's as_of_date.

    Days without login (days_without_login) count from the later of the last
    login and paying_since_on, the first day of the account's current run of
    subscriptions (int_account_health_grid): a customer that started paying
    10 days ago and never logged in has 10 days without login, not "none on
    record".

    Flags (rules in macros/health/health_rules.sql):
      flag_no_login    days_without_login >= churn_no_login_days
      flag_ticket_rise >= ticket_rise_min_tickets tickets in the last 30 days
                       and >= ticket_rise_min_ratio x the 30 days before
      flag_nps_drop    latest NPS >= nps_drop_min_points below the same
                       contact's previous response (int_account_nps_history)

    Health score = 100 - points lost; each factor loses at most its weight
    (seeds/health_score_weights.csv, version health_weights_version):
      login_recency   weight x min(days_without_login, N) / N, N =
                      churn_no_login_days
      ticket_rise     full weight when flag_ticket_rise
      nps_drop        full weight when flag_nps_drop
      nps_level       weight x (10 - latest NPS) / 10; nothing without a response
      usage_trend     weight x the share by which events fell, last 30 days vs
                      the 30 before (capped at 100 %); nothing if the prior
                      30 days had no events
      decision_chain  weight x the share of the three buying roles without a
                      contact (decision maker, user, influencer)
    Risk level: the higher of score_risk_level (high below
    risk_high_score_below, medium below risk_medium_score_below, else low)
    and the min_risk_level of every flag that fires
    (seeds/health_flag_risk_levels.csv, the same version as the weights). By
    default the no-login flag makes an account high risk and the other two
    at least medium, so no flag leaves an account at low risk. -#}

with grid as (

    select * from {{ ref('int_account_health_grid') }}

),

signals as (

    select * from {{ ref('int_account_health_signals') }}

),

nps_history as (

    select * from {{ ref('int_account_nps_history') }}

),

buying_roles as (

    select * from {{ ref('int_account_buying_roles') }}

),

weights as (

    select * from {{ ref('health_score_weights') }}
    where weights_version = '{{ var("health_weights_version") }}'

),

flag_risk_levels as (

    select * from {{ ref('health_flag_risk_levels') }}
    where weights_version = '{{ var("health_weights_version") }}'

),

weight_by_factor as (

    select
        max(case when factor = 'login_recency' then weight_points end) as login_recency_weight,
        max(case when factor = 'ticket_rise' then weight_points end) as ticket_rise_weight,
        max(case when factor = 'nps_drop' then weight_points end) as nps_drop_weight,
        max(case when factor = 'nps_level' then weight_points end) as nps_level_weight,
        max(case when factor = 'usage_trend' then weight_points end) as usage_trend_weight,
        max(case when factor = 'decision_chain' then weight_points end) as decision_chain_weight
    from weights

),

flag_risk_ranks as (

    -- The least risk rank each flag gives (1 = low: no raise when the seed
    -- has no row for the flag).
    select
        coalesce(max(case when flag = 'flag_no_login' then {{ risk_level_rank('min_risk_level') }} end), 1)
            as no_login_risk_rank,
        coalesce(max(case when flag = 'flag_ticket_rise' then {{ risk_level_rank('min_risk_level') }} end), 1)
            as ticket_rise_risk_rank,
        coalesce(max(case when flag = 'flag_nps_drop' then {{ risk_level_rank('min_risk_level') }} end), 1)
            as nps_drop_risk_rank
    from flag_risk_levels

),

nps_at_date as (

    select
        grid.account_id,
        grid.as_of_date,
        nps_history.nps_latest,
        nps_history.nps_previous,
        nps_history.valid_from_on as nps_latest_on
    from grid
    inner join nps_history
        on grid.account_id = nps_history.account_id
        and grid.as_of_date >= nps_history.valid_from_on
        and (nps_history.valid_to_on is null or grid.as_of_date < nps_history.valid_to_on)

),

roles_at_date as (

    select
        grid.account_id,
        grid.as_of_date,
        count(*) as buying_roles_covered_count
    from grid
    inner join buying_roles
        on grid.account_id = buying_roles.account_id
        and grid.as_of_date >= buying_roles.first_contact_on
    group by grid.account_id, grid.as_of_date

),

measures as (

    select
        grid.account_id,
        grid.as_of_date,
        signals.last_login_on,
        cast(signals.days_since_last_login as integer) as days_since_last_login,
        grid.paying_since_on,
        cast({{ dbt.datediff(
            'case when signals.last_login_on < grid.paying_since_on then grid.paying_since_on'
                ~ ' else coalesce(signals.last_login_on, grid.paying_since_on) end',
            'grid.as_of_date',
            'day',
        ) }} as integer) as days_without_login,
        signals.login_days_last_30d,
        signals.events_last_30d,
        signals.events_prior_30d,
        case
            when signals.events_prior_30d > 0
                then cast(signals.events_last_30d - signals.events_prior_30d as double)
                    / signals.events_prior_30d
        end as usage_trend_rate,
        signals.tickets_last_30d,
        signals.tickets_prior_30d,
        cast(nps_at_date.nps_latest as integer) as nps_latest,
        cast(nps_at_date.nps_previous as integer) as nps_previous,
        nps_at_date.nps_latest_on,
        cast(coalesce(roles_at_date.buying_roles_covered_count, 0) as integer) as buying_roles_covered_count
    from grid
    inner join signals
        on grid.account_id = signals.account_id
        and grid.as_of_date = signals.as_of_date
    left join nps_at_date
        on grid.account_id = nps_at_date.account_id
        and grid.as_of_date = nps_at_date.as_of_date
    left join roles_at_date
        on grid.account_id = roles_at_date.account_id
        and grid.as_of_date = roles_at_date.as_of_date

),

flagged as (

    select
        *,
        buying_roles_covered_count / cast(3 as double) as decision_chain_coverage_rate,
        {{ flag_no_login('days_without_login') }} as flag_no_login,
        {{ flag_ticket_rise('tickets_last_30d', 'tickets_prior_30d') }} as flag_ticket_rise,
        {{ flag_nps_drop('nps_latest', 'nps_previous') }} as flag_nps_drop
    from measures

),

scored as (

    select
        flagged.*,
        {{ round_double(
            "weight_by_factor.login_recency_weight * coalesce(
                least(flagged.days_without_login, " ~ var('churn_no_login_days') ~ ")
                    / cast(" ~ var('churn_no_login_days') ~ " as double),
                1.0
            )", 2) }} as login_recency_points_lost,
        case when flagged.flag_ticket_rise then weight_by_factor.ticket_rise_weight else 0.0 end
            as ticket_rise_points_lost,
        case when flagged.flag_nps_drop then weight_by_factor.nps_drop_weight else 0.0 end
            as nps_drop_points_lost,
        {{ round_double('weight_by_factor.nps_level_weight * coalesce((10 - flagged.nps_latest) / cast(10 as double), 0.0)', 2) }}
            as nps_level_points_lost,
        -- Only a fall loses points (a rise or no change is 0, never -0).
        case
            when flagged.usage_trend_rate < 0
                then {{ round_double('weight_by_factor.usage_trend_weight * least(-1.0 * flagged.usage_trend_rate, 1.0)', 2) }}
            else 0.0
        end as usage_trend_points_lost,
        {{ round_double('weight_by_factor.decision_chain_weight * (1.0 - flagged.decision_chain_coverage_rate)', 2) }}
            as decision_chain_points_lost,
        '{{ var("health_weights_version") }}' as weights_version
    from flagged
    cross join weight_by_factor

),

scored_total as (

    select
        *,
        {{ round_double(
            "100.0
            - login_recency_points_lost
            - ticket_rise_points_lost
            - nps_drop_points_lost
            - nps_level_points_lost
            - usage_trend_points_lost
            - decision_chain_points_lost", 2) }} as health_score
    from scored

),

risked as (

    select
        scored_total.*,
        {{ health_risk_level('scored_total.health_score') }} as score_risk_level,
        greatest(
            {{ risk_level_rank(health_risk_level('scored_total.health_score')) }},
            case when scored_total.flag_no_login then flag_risk_ranks.no_login_risk_rank else 1 end,
            case when scored_total.flag_ticket_rise then flag_risk_ranks.ticket_rise_risk_rank else 1 end,
            case when scored_total.flag_nps_drop then flag_risk_ranks.nps_drop_risk_rank else 1 end
        ) as risk_rank
    from scored_total
    cross join flag_risk_ranks

),

with_previous as (

    select
        *,
        lag(as_of_date) over account_history as previous_as_of_date,
        lag(health_score) over account_history as previous_health_score,
        login_recency_points_lost - lag(login_recency_points_lost) over account_history as login_recency_moved,
        ticket_rise_points_lost - lag(ticket_rise_points_lost) over account_history as ticket_rise_moved,
        nps_drop_points_lost - lag(nps_drop_points_lost) over account_history as nps_drop_moved,
        nps_level_points_lost - lag(nps_level_points_lost) over account_history as nps_level_moved,
        usage_trend_points_lost - lag(usage_trend_points_lost) over account_history as usage_trend_moved,
        decision_chain_points_lost - lag(decision_chain_points_lost) over account_history
            as decision_chain_moved
    from risked
    window account_history as (partition by account_id order by as_of_date)

),

final as (

    select
        account_id,
        as_of_date,
        previous_as_of_date,
        last_login_on,
        days_since_last_login,
        paying_since_on,
        days_without_login,
        login_days_last_30d,
        events_last_30d,
        events_prior_30d,
        usage_trend_rate,
        tickets_last_30d,
        tickets_prior_30d,
        nps_latest,
        nps_previous,
        nps_latest_on,
        buying_roles_covered_count,
        decision_chain_coverage_rate,
        flag_no_login,
        flag_ticket_rise,
        flag_nps_drop,
        cast(
            case when flag_no_login then 1 else 0 end
            + case when flag_ticket_rise then 1 else 0 end
            + case when flag_nps_drop then 1 else 0 end
            as integer
        ) as flag_count,
        login_recency_points_lost,
        ticket_rise_points_lost,
        nps_drop_points_lost,
        nps_level_points_lost,
        usage_trend_points_lost,
        decision_chain_points_lost,
        health_score,
        previous_health_score,
        {{ round_double('health_score - previous_health_score', 2) }} as health_score_change,
        -- The factor whose lost points moved most since the previous as-of
        -- date: the first answer to "why did the score move?".
        case
            when previous_health_score is null or health_score = previous_health_score then null
            when abs(login_recency_moved) = greatest(abs(login_recency_moved), abs(ticket_rise_moved),
                abs(nps_drop_moved), abs(nps_level_moved), abs(usage_trend_moved), abs(decision_chain_moved))
                then 'login_recency'
            when abs(ticket_rise_moved) = greatest(abs(ticket_rise_moved), abs(nps_drop_moved),
                abs(nps_level_moved), abs(usage_trend_moved), abs(decision_chain_moved))
                then 'ticket_rise'
            when abs(nps_drop_moved) = greatest(abs(nps_drop_moved), abs(nps_level_moved),
                abs(usage_trend_moved), abs(decision_chain_moved))
                then 'nps_drop'
            when abs(nps_level_moved) = greatest(abs(nps_level_moved), abs(usage_trend_moved),
                abs(decision_chain_moved))
                then 'nps_level'
            when abs(usage_trend_moved) >= abs(decision_chain_moved) then 'usage_trend'
            else 'decision_chain'
        end as score_change_main_factor,
        score_risk_level,
        {{ risk_level_of_rank('risk_rank') }} as risk_level,
        weights_version
    from with_previous

)

select * from final
