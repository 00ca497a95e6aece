{#- The playbook's KPI scorecard: one row per period and KPI, beside its
    target (seeds/kpi_targets.csv, version kpi_targets_version) and its
    trend. Periods: every complete month (its last day on or before the
    as-of date), the latest complete quarter, and the latest "year" = the
    four quarters ending with that quarter. A period is kept only when the
    KPI inputs have all its months.
    KPIs (computed per period in int_playbook_kpi_periods; every ratio is
    null when its denominator is 0 or absent), each with its unit and the
    dates its value covers (measured_from_on to measured_to_on):
      annual_retention_rate   rate; mart_churn_rates' annual retention of
                              the period's last month: the 12 months ending
                              with it
      high_value_upsell_rate  rate; of the accounts high value and paying at
                              the start of the high_value_upsell_window_months
                              months ending with the period's last month (a
                              cohort fixed then: churned and downgraded
                              members stay in it, accounts that became high
                              value by expanding are not in it), the share
                              with an expansion movement in those months
      nps                     nps_points (-100..100); 100 x (promoters -
                              detractors) / responses, the period's survey
                              responses pooled
      referral_share_of_new_customers  rate; new customers from referrals /
                              new customers, pooled over the period
      referral_conversion_rate rate; referred leads converted within
                              referral_conversion_window_days / referred
                              leads, over the period's complete lead cohorts
                              only (months whose window has passed); covers
                              the leads created measured_from_on to
                              measured_to_on, each followed for
                              cohort_window_days; null when no month of the
                              period is complete yet
      lead_to_trial_rate      rate; the same for leads whose account started
                              a trial within the funnel's long window
                              (funnel_cohort_windows_days)
      trial_to_paid_rate      rate; new paying accounts / trials started in
                              the period (calendar counts; can exceed 1)
      cac                     currency; (marketing spend + referral rebates
                              owed) / new customers (company), the period's
                              sums
      high_value_ltv          currency; at the period's last month:
                              high-value ARPU (MRR / paying accounts) x
                              ltv_gross_margin / high-value monthly churn
                              rate (churned / accounts at the month's start,
                              both at the tier the account had at the
                              month's start, pooled over the
                              ltv_churn_window_months months ending with it);
                              null with no churn
      worklist_on_time_rate   rate; worklist items acted on by their due
                              date / items decided (on time, late or not
                              acted), by month of due date, day-precise
                              items only, pooled; null when no CS activity
                              is recorded
    Trend: previous_value is the same KPI of the previous period of the same
    kind (month before, quarter before, the four quarters before);
    change_value = actual - previous; change_rate = actual / previous - 1
    (null when previous is null or 0).
    On track: compared_value is actual_value (applies_to = value) or
    change_rate (applies_to = change_rate); at_least: on track when
    compared_value >= target_value, at_most: when <= (the edge is on track);
    margin_to_target = how far ahead of the target (negative = behind):
    compared - target for at_least, target - compared for at_most.
    is_on_track is null when the target or the compared value is missing. -#}

{%- set months_per_year = 12 -%}
{%- set period_end = month_end('period_last_month') -%}
{%- set trailing_start = dbt.dateadd('month', '1 - {}', 'period_last_month') -%}

{#- Per KPI: (name, unit, first day covered, last day covered, days each
    cohort is followed or none). -#}
{%- set kpis = [
    ('annual_retention_rate', 'rate', trailing_start.format(months_per_year), period_end, none),
    ('high_value_upsell_rate', 'rate',
        trailing_start.format(var('high_value_upsell_window_months')), period_end, none),
    ('nps', 'nps_points', 'period_start', period_end, none),
    ('referral_share_of_new_customers', 'rate', 'period_start', period_end, none),
    ('referral_conversion_rate', 'rate', 'referral_cohort_first_month',
        month_end('referral_cohort_last_month'), var('referral_conversion_window_days')),
    ('lead_to_trial_rate', 'rate', 'funnel_cohort_first_month',
        month_end('funnel_cohort_last_month'), var('funnel_cohort_windows_days')[-1]),
    ('trial_to_paid_rate', 'rate', 'period_start', period_end, none),
    ('cac', 'currency', 'period_start', period_end, none),
    ('high_value_ltv', 'currency',
        trailing_start.format(var('ltv_churn_window_months')), period_end, none),
    ('worklist_on_time_rate', 'rate', 'period_start', period_end, none),
] -%}

with kpi_periods as (

    select * from {{ ref('int_playbook_kpi_periods') }}

),

kpi_targets as (

    select * from {{ ref('kpi_targets') }}

),

current_targets as (

    select *
    from kpi_targets
    where targets_version = '{{ var("kpi_targets_version") }}'

),

kpi_rows as (

    {% for kpi, unit, measured_from, measured_to, window_days in kpis -%}
    select
        period_kind,
        period_start,
        period_last_month,
        step_months,
        '{{ kpi }}' as kpi,
        {{ kpi }} as actual_value,
        '{{ unit }}' as unit,
        cast({{ measured_from }} as date) as measured_from_on,
        cast({{ measured_to }} as date) as measured_to_on,
        cast({{ 'null' if window_days is none else window_days }} as integer) as cohort_window_days
    from kpi_periods
    {%- if not loop.last %}
    union all
    {% endif -%}
    {%- endfor %}

),

with_previous as (

    select
        kpi_rows.*,
        previous.actual_value as previous_value
    from kpi_rows
    left join kpi_rows as previous
        on kpi_rows.kpi = previous.kpi
        and kpi_rows.period_kind = previous.period_kind
        and previous.period_start
            = cast({{ dbt.dateadd('month', '-kpi_rows.step_months', 'kpi_rows.period_start') }} as date)

),

latest as (

    select
        *,
        max(period_start) over (partition by period_kind) as latest_period_start
    from with_previous

),

compared as (

    select
        latest.period_kind,
        latest.period_start,
        {{ month_end('latest.period_last_month') }} as period_end_on,
        latest.kpi,
        current_targets.kpi_order,
        current_targets.kpi_label,
        latest.actual_value,
        latest.previous_value,
        latest.actual_value - latest.previous_value as change_value,
        case
            when latest.previous_value <> 0 then latest.actual_value / latest.previous_value - 1
        end as change_rate,
        current_targets.targets_version,
        current_targets.target_value,
        current_targets.comparison,
        current_targets.applies_to,
        latest.unit,
        latest.measured_from_on,
        latest.measured_to_on,
        latest.cohort_window_days
    from latest
    left join current_targets on latest.kpi = current_targets.kpi
    where latest.period_kind = 'month'
        or latest.period_start = latest.latest_period_start

),

final as (

    select
        period_kind,
        period_start,
        period_end_on,
        kpi,
        cast(kpi_order as integer) as kpi_order,
        kpi_label,
        actual_value,
        previous_value,
        change_value,
        change_rate,
        targets_version,
        target_value,
        comparison,
        applies_to,
        case when applies_to = 'change_rate' then change_rate else actual_value end as compared_value,
        case
            when comparison = 'at_most'
                then target_value - (case when applies_to = 'change_rate' then change_rate else actual_value end)
            else (case when applies_to = 'change_rate' then change_rate else actual_value end) - target_value
        end as margin_to_target,
        case
            when comparison = 'at_most'
                then (case when applies_to = 'change_rate' then change_rate else actual_value end) <= target_value
            else (case when applies_to = 'change_rate' then change_rate else actual_value end) >= target_value
        end as is_on_track,
        unit,
        measured_from_on,
        measured_to_on,
        cohort_window_days
    from compared

)

select * from final
