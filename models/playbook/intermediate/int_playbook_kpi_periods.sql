{#- One row per period (every complete month, every complete quarter, and
    every "year" = four quarters ending with a complete quarter; a month is
    complete when its last day is on or before the as-of date) with the
    playbook's KPIs as columns, computed from int_playbook_kpi_months. A
    period is kept only when the inputs have all its months (1, 3, 12).
    KPIs (every ratio null when its denominator is 0 or absent):
      annual_retention_rate   mart_churn_rates' annual retention of the
                              period's last month (already a 12-month figure)
      high_value_upsell_rate  at the period's last month: high-value accounts
                              upsold / high-value accounts paying, in the 12
                              months ending with it
      nps                     100 x (promoters - detractors) / responses,
                              pooled over the period's months
      referral_share_of_new_customers  new customers from referrals / new
                              customers, pooled
      referral_conversion_rate referred conversions / referred leads, pooled
      lead_to_trial_rate      trials started / leads created, pooled
      trial_to_paid_rate      new paying accounts / trials started, pooled
      cac                     marketing spend / new customers (company), pooled
      high_value_ltv          at the period's last month: high-value ARPU
                              (MRR / paying accounts) x ltv_gross_margin /
                              high-value monthly churn rate (churned /
                              accounts at the months' starts over
                              ltv_churn_window_months); null with no churn -#}

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
        "cast(sum(referred_conversions) as double) / nullif(sum(referred_leads), 0)"),
    ('lead_to_trial_rate',
        "cast(sum(trials) as double) / nullif(sum(leads), 0)"),
    ('trial_to_paid_rate',
        "cast(sum(new_paying) as double) / nullif(sum(trials), 0)"),
    ('cac',
        "cast(sum(spend_amount) as double) / nullif(sum(cac_new_customers), 0)"),
    ('high_value_ltv',
        "max(case when month = period_last_month then"
        ~ " (cast(high_value_mrr_amount as double) / nullif(high_value_paying_accounts, 0))"
        ~ " * " ~ var('ltv_gross_margin')
        ~ " / nullif(cast(high_value_ltv_window_churned_accounts as double)"
        ~ " / nullif(high_value_ltv_window_accounts_at_start, 0), 0) end)"),
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
