-- No silent loss: the MRR of every account agrees across the marts that
-- carry it. Returns one row per disagreement (the comparison, the account
-- or month, the figure fct_mrr_movements gives and the other mart's).
-- All of them are built from the same subscriptions and the same MRR rule
-- (int_account_mrr_monthly, int_account_lifecycle_facts: mrr_amount running
-- on the month's last day, or on the as-of date), each rounded to cents, so
-- these comparisons must hold to the cent:
--   1. per account: dim_accounts.current_mrr_amount (MRR running on the
--      as-of date) = fct_mrr_movements.mrr of the as-of month (measured on
--      the as-of date); 0 for an account with no movement row then. An
--      account in fct_mrr_movements missing from dim_accounts disagrees.
--   2. per month: mart_churn_rates.mrr = the month's fct_mrr_movements.mrr.
--   3. per month: mart_retention.mrr summed over cohorts = the same (every
--      account with MRR is in the cohort of its first month with MRR).
--   4. per month: mart_unit_economics, the company row (acquisition_channel
--      'all') of each month: paying_accounts = the accounts with mrr above
--      0; and the channels' paying_accounts add up to it (every paying
--      account counts in one channel, 'unknown' when the CRM has none).
--      Its MRR is shown only as arpu (MRR / paying accounts, rounded to
--      cents), so arpu x paying_accounts must be within half a cent per
--      paying account of the month's MRR: the rounding, nothing more.
-- Not compared, because they measure something else: annual_arpu
-- (dim_accounts, fct_account_tiers: MRR on the quarter's tiering day),
-- new_customers and new_paying (first paid day, which may fall in a month
-- that ends without MRR), fct_rfm (paid invoices, not MRR).

with movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

accounts as (

    select * from {{ ref('dim_accounts') }}

),

churn_rates as (

    select * from {{ ref('mart_churn_rates') }}

),

retention as (

    select * from {{ ref('mart_retention') }}

),

unit_economics as (

    select * from {{ ref('mart_unit_economics') }}
    where period_kind = 'month'

),

account_mrr as (

    select
        account_id,
        sum(case when month = {{ month_start(as_of_date()) }} then mrr else 0 end)
            as as_of_month_mrr
    from movements
    group by account_id

),

monthly_mrr as (

    select
        month,
        sum(mrr) as mrr,
        sum(case when mrr > 0 then 1 else 0 end) as paying_accounts
    from movements
    group by month

),

retention_mrr as (

    select
        month,
        sum(mrr) as mrr
    from retention
    group by month

),

company_economics as (

    select * from unit_economics
    where acquisition_channel = 'all'

),

channel_economics as (

    select
        month,
        sum(paying_accounts) as paying_accounts
    from unit_economics
    where acquisition_channel <> 'all'
    group by month

),

account_disagreements as (

    select
        'dim_accounts.current_mrr_amount' as comparison,
        coalesce(account_mrr.account_id, accounts.account_id) as account_id,
        cast(null as date) as month,
        coalesce(account_mrr.as_of_month_mrr, 0) as movements_figure,
        accounts.current_mrr_amount as other_figure
    from account_mrr
    full outer join accounts on account_mrr.account_id = accounts.account_id
    where coalesce(account_mrr.as_of_month_mrr, 0) is distinct from accounts.current_mrr_amount

),

churn_rate_disagreements as (

    {{ monthly_disagreements('mart_churn_rates.mrr', 'monthly_mrr', 'mrr', 'churn_rates', 'mrr') }}

),

retention_disagreements as (

    {{ monthly_disagreements('mart_retention.mrr', 'monthly_mrr', 'mrr', 'retention_mrr', 'mrr') }}

),

paying_account_disagreements as (

    {{ monthly_disagreements(
        'mart_unit_economics.paying_accounts',
        'monthly_mrr', 'paying_accounts', 'company_economics', 'paying_accounts'
    ) }}

),

channel_disagreements as (

    select
        'mart_unit_economics.paying_accounts by channel' as comparison,
        cast(null as {{ dbt.type_string() }}) as account_id,
        company_economics.month,
        company_economics.paying_accounts as movements_figure,
        coalesce(channel_economics.paying_accounts, 0) as other_figure
    from company_economics
    left join channel_economics on company_economics.month = channel_economics.month
    where company_economics.paying_accounts <> coalesce(channel_economics.paying_accounts, 0)

),

arpu_disagreements as (

    select
        'mart_unit_economics.arpu x paying_accounts' as comparison,
        cast(null as {{ dbt.type_string() }}) as account_id,
        monthly_mrr.month,
        monthly_mrr.mrr as movements_figure,
        company_economics.arpu * company_economics.paying_accounts as other_figure
    from monthly_mrr
    inner join company_economics on monthly_mrr.month = company_economics.month
    where abs(coalesce(company_economics.arpu, 0) * company_economics.paying_accounts - monthly_mrr.mrr)
        > 0.005 * company_economics.paying_accounts

),

final as (

    select * from account_disagreements
    union all
    select * from churn_rate_disagreements
    union all
    select * from retention_disagreements
    union all
    select * from paying_account_disagreements
    union all
    select * from channel_disagreements
    union all
    select * from arpu_disagreements

)

select * from final
