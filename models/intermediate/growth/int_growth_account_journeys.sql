{#- One row per account known at the as-of date: how it was acquired and
    when it reached each funnel stage, all at the as-of date.
      lead: the earliest lead converted into the account by the as-of date
            (a direct account has none)
      is_referred: that lead named a referring account
      first_trial_on: first trial start visible at the as-of date
      first_paid_on: first day with MRR above 0 (int_account_lifecycle_facts)
      first_annual_fee_amount: 12 x the MRR running on the first paid day, in
            the reporting currency at the rate of the first paid month (what a
            referral rebate is computed on) -#}

with accounts as (

    select * from {{ ref('int_accounts_as_of') }}

),

lifecycle_facts as (

    select * from {{ ref('int_account_lifecycle_facts') }}

),

lifecycle_stages as (

    select * from {{ ref('int_account_lifecycle_stages') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

trials as (

    select * from {{ ref('stg_product__trials') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

converting_leads as (

    select
        converted_account_id as account_id,
        lead_id,
        cast(created_at as date) as lead_created_on,
        referred_by_account_id,
        row_number() over (
            partition by converted_account_id
            order by created_at, lead_id
        ) as lead_order
    from leads
    where converted_account_id is not null
        and converted_at is not null
        and {{ is_visible_at_as_of('converted_at') }}
        and {{ is_visible_at_as_of('created_at') }}

),

first_trials as (

    select
        account_id,
        min(cast(started_at as date)) as first_trial_on
    from trials
    where {{ is_visible_at_as_of('started_at') }}
    group by account_id

),

first_annual_fees as (

    select
        lifecycle_facts.account_id,
        12 * {{ money_sum('subscriptions.mrr_amount * fx_rates.rate_to_reporting') }}
            as first_annual_fee_amount
    from lifecycle_facts
    inner join subscriptions
        on lifecycle_facts.account_id = subscriptions.account_id
        and {{ subscription_runs_on('subscriptions', 'lifecycle_facts.first_paid_on') }}
    inner join fx_rates
        on subscriptions.currency = fx_rates.currency
        and fx_rates.rate_month = {{ month_start('lifecycle_facts.first_paid_on') }}
    group by lifecycle_facts.account_id

),

final as (

    select
        accounts.account_id,
        accounts.acquisition_channel,
        accounts.industry,
        cast(accounts.created_at as date) as account_created_on,
        converting_leads.lead_id,
        converting_leads.lead_created_on,
        converting_leads.referred_by_account_id,
        converting_leads.referred_by_account_id is not null as is_referred,
        first_trials.first_trial_on,
        lifecycle_facts.first_paid_on,
        lifecycle_stages.lifecycle_stage,
        {{ round_double('coalesce(first_annual_fees.first_annual_fee_amount, 0)', 2) }}
            as first_annual_fee_amount
    from accounts
    left join converting_leads
        on accounts.account_id = converting_leads.account_id
        and converting_leads.lead_order = 1
    left join first_trials on accounts.account_id = first_trials.account_id
    left join lifecycle_facts on accounts.account_id = lifecycle_facts.account_id
    left join lifecycle_stages on accounts.account_id = lifecycle_stages.account_id
    left join first_annual_fees on accounts.account_id = first_annual_fees.account_id

)

select * from final
