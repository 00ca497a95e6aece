-- Dagster shows it as a check of the backtest (it also reads the seed).
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'mart_churn_signal_backtest'}}}) }}

-- The backtest validates seeds/health_flag_risk_levels.csv: a flag that
-- makes an account high risk should be one whose backtested precision at
-- flag_risk_backtest_horizon_days clears the playbook's high-risk churn
-- likelihood (high_risk_churn_likelihood), and a flag set lower should not
-- clear it. Returns the flags whose level and precision disagree, to warn
-- the business that the seed needs a look (a warning, not an error: the
-- precision moves with the data, and a young warehouse has none to judge).

with backtest as (

    select * from {{ ref('mart_churn_signal_backtest') }}

),

flag_risk_levels as (

    select * from {{ ref('health_flag_risk_levels') }}
    where weights_version = '{{ var("health_weights_version") }}'

),

final as (

    select
        flag_risk_levels.flag,
        flag_risk_levels.min_risk_level,
        backtest.horizon_days,
        backtest.signalled_snapshot_count,
        backtest.precision_rate
    from flag_risk_levels
    inner join backtest on flag_risk_levels.flag = backtest.signal_name
    where backtest.horizon_days = {{ var('flag_risk_backtest_horizon_days') }}
        and backtest.precision_rate is not null
        and (flag_risk_levels.min_risk_level = 'high') <> backtest.meets_high_risk_churn_likelihood

)

select * from final
