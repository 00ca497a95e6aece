{#- One row per period (every complete month, every complete quarter, and
    every "year" = four quarters ending with a complete quarter; a month is
    complete when its last day is on or before the as-of date) with the
    playbook's KPIs as columns, computed from int_playbook_kpi_months. A
    period is kept only when the inputs have all its months (1, 3, 12).
    KPIs (every ratio null when its denominator is 0 or absent):
      annual_retention_rate   mart_churn_rates' annual retention of the
                              period's last month (already a 12-month figure)
      high_value_upsell_rate  at the period's last month: of the cohort of
                              accounts high value and paying at the start of
                              the high_value_upsell_window_months months
                              ending with it, the share with an expansion in
                              those months (churned and downgraded members
                              stay in the cohort)
      nps                     100 x (promoters - detractors) / responses,
                              pooled over the period's months
      referral_share_of_new_customers  new customers from referrals / new
                              customers, pooled
      referral_conversion_rate referred leads converted within
                              referral_conversion_window_days / referred
                              leads, pooled over the period's complete
                              cohorts only (months whose last day + the
                              window is on or before the as-of date); null
                              when the period has none. referral_cohort_*
                              give the first and last month counted
      lead_to_trial_rate      leads whose account started a trial within the
                              funnel's long window / leads, pooled over the
                              period's complete cohorts only (as above, with
                              the long window of funnel_cohort_windows_days);
                              funnel_cohort_* give the months counted
      trial_to_paid_rate      new paying accounts / trials started, pooled
                              (calendar counts of the same months)
      cac                     (marketing spend + referral rebates) / new
                              customers (company), pooled
      high_value_ltv          at the period's last month: high-value ARPU
                              (MRR / paying accounts) x ltv_gross_margin /
                              high-value monthly churn rate (churned /
                              accounts at the months' starts over
                              ltv_churn_window_months, both at the tier the
                              account had at the month's start); null with
                              no churn
      worklist_on_time_rate   worklist items acted on by their due date /
                              items decided (on time, late or not acted),
                              day-precise items by month of due date, pooled;
                              null when none was decided (no activity
                              recorded) -#}

{%- set kpis = [
    ('annual_retention_rate',
        "max(case when month = period_last_month then annual_retention_rate end)"),
    ('high_value_upsell_rate',
        "cast(max(case when month = period_last_month then high_value_upsold_accounts end) as double)"
        ~ " / nullif(max(case when month = period_last_month then high_value_upsell_base_accounts end), 0)"),
    ('nps',
        "100.0 * (sum(nps_promoters) - sum(nps_detractors)) / nullif(sum(nps_response_count), 0)"),
    ('referral_share_of_new_customers',
        "cast(sum(new_customers_from_referrals) as double) / nullif(sum(new_customers), 0)"),
    ('referral_conversion_rate',
        "cast(sum(case when is_referral_cohort_complete then referred_conversions_within_window end) as double)"
        ~ " / nullif(sum(case when is_referral_cohort_complete then referred_leads end), 0)"),
    ('lead_to_trial_rate',
        "cast(sum(case when is_funnel_cohort_complete then funnel_cohort_trials end) as double)"
        ~ " / nullif(sum(case when is_funnel_cohort_complete then leads end), 0)"),
    ('trial_to_paid_rate',
        "cast(sum(new_paying) as double) / nullif(sum(trials), 0)"),
    ('cac',
        "cast(sum(spend_amount) + sum(referral_rebates_amount) as double) / nullif(sum(cac_new_customers), 0)"),
    ('high_value_ltv',
        "max(case when month = period_last_month then"
        ~ " (cast(high_value_mrr_amount as double) / nullif(high_value_paying_accounts, 0))"
        ~ " * " ~ var('ltv_gross_margin')
        ~ " / nullif(cast(high_value_ltv_window_churned_accounts as double)"
        ~ " / nullif(high_value_ltv_window_accounts_at_start, 0), 0) end)"),
    ('worklist_on_time_rate',
        "cast(sum(worklist_items_on_time) as double) / nullif(sum(worklist_items_decided), 0)"),
] -%}

with kpi_months as (

    select * from {{ ref('int_playbook_kpi_months') }}

),

complete_quarters as (

    select distinct {{ quarter_start('month') }} as quarter_start
    from kpi_months
    where {{ month_end(dbt.dateadd('month', 2, quarter_start('month'))) }} <= {{ as_of_date() }}

),

periods as (

    select
        'month' as period_kind,
        month as period_start,
        month as period_last_month,
        1 as expected_months,
        1 as step_months
    from kpi_months
    where {{ month_end('month') }} <= {{ as_of_date() }}
    union all
    select
        'quarter' as period_kind,
        quarter_start as period_start,
        cast({{ dbt.dateadd('month', 2, 'quarter_start') }} as date) as period_last_month,
        3 as expected_months,
        3 as step_months
    from complete_quarters
    union all
    select
        'year' as period_kind,
        cast({{ dbt.dateadd('month', -9, 'quarter_start') }} as date) as period_start,
        cast({{ dbt.dateadd('month', 2, 'quarter_start') }} as date) as period_last_month,
        12 as expected_months,
        12 as step_months
    from complete_quarters

),

period_values as (

    select
        periods.period_kind,
        periods.period_start,
        periods.period_last_month,
        periods.step_months,
        {%- for kpi, formula in kpis %}
        cast({{ formula }} as double) as {{ kpi }},
        {%- endfor %}
        min(case when kpi_months.is_referral_cohort_complete then kpi_months.month end)
            as referral_cohort_first_month,
        max(case when kpi_months.is_referral_cohort_complete then kpi_months.month end)
            as referral_cohort_last_month,
        min(case when kpi_months.is_funnel_cohort_complete then kpi_months.month end)
            as funnel_cohort_first_month,
        max(case when kpi_months.is_funnel_cohort_complete then kpi_months.month end)
            as funnel_cohort_last_month,
        count(*) as month_count,
        max(periods.expected_months) as expected_months
    from periods
    inner join kpi_months
        on kpi_months.month between periods.period_start and periods.period_last_month
    group by periods.period_kind, periods.period_start, periods.period_last_month, periods.step_months
    having count(*) = max(periods.expected_months)

),

final as (

    select * from period_values

)

select * from final
