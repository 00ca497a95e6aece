{#- Per account, the facts the lifecycle stage rule reads, all at the as-of
    date: current MRR, first paid day, whether a trial started and how long
    ago the latest one ended, paid invoices so far, leads it referred and
    its NPS in the loyalty windows. A trial's end day is the day of ends_at,
    or of started_at when ends_at is blank (a trial with no end would
    otherwise never lapse). -#}

with accounts as (

    select * from {{ ref('int_accounts_as_of') }}

),

subscriptions as (

    select * from {{ ref('int_subscriptions_constant_currency') }}

),

trials as (

    select * from {{ ref('stg_product__trials') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

nps_responses as (

    select * from {{ ref('stg_survey__nps_responses') }}

),

current_mrr as (

    select
        subscriptions.account_id,
        {{ money_sum('mrr_amount') }} as mrr_amount
    from subscriptions
    where {{ subscription_runs_on('subscriptions', as_of_date()) }}
    group by subscriptions.account_id

),

first_paid as (

    select
        account_id,
        min(started_on) as first_paid_on
    from subscriptions
    where mrr_amount > 0
    group by account_id

),

started_trials as (

    select
        account_id,
        max(cast(coalesce(ends_at, started_at) as date)) as last_trial_ended_on
    from trials
    where {{ is_visible_at_as_of('started_at') }}
    group by account_id

),

paid_invoices as (

    select
        account_id,
        count(*) as paid_invoice_count
    from invoices
    where status = 'paid'
        and paid_at is not null
        and {{ is_visible_at_as_of('paid_at') }}
    group by account_id

),

referrals as (

    select
        referred_by_account_id as account_id,
        count(*) as referred_lead_count
    from leads
    where referred_by_account_id is not null
        and {{ is_visible_at_as_of('created_at') }}
        and cast(created_at as date)
            > {{ dbt.dateadd('day', -1 * var('loyal_referral_window_days'), as_of_date()) }}
    group by referred_by_account_id

),

recent_nps as (

    select
        account_id,
        count(*) as nps_response_count,
        sum(case when {{ nps_category('score') }} = 'promoter' then 1 else 0 end) as promoter_count,
        sum(case when {{ nps_category('score') }} = 'detractor' then 1 else 0 end) as detractor_count
    from nps_responses
    where {{ is_visible_at_as_of('responded_at') }}
        and cast(responded_at as date)
            > {{ dbt.dateadd('day', -1 * var('loyal_nps_window_days'), as_of_date()) }}
    group by account_id

),

final as (

    select
        accounts.account_id,
        {{ round_double('coalesce(current_mrr.mrr_amount, 0)', 2) }} as current_mrr_amount,
        first_paid.first_paid_on,
        started_trials.account_id is not null as has_started_trial,
        -- Negative while the latest trial runs past the as-of date.
        {{ dbt.datediff('started_trials.last_trial_ended_on', as_of_date(), 'day') }}
            as days_since_trial_ended,
        coalesce(paid_invoices.paid_invoice_count, 0) as paid_invoice_count,
        coalesce(referrals.referred_lead_count, 0) as referred_lead_count,
        coalesce(recent_nps.nps_response_count, 0) as nps_response_count,
        case
            when recent_nps.nps_response_count > 0
                then 100.0 * (recent_nps.promoter_count - recent_nps.detractor_count)
                    / recent_nps.nps_response_count
        end as account_nps
    from accounts
    left join current_mrr on accounts.account_id = current_mrr.account_id
    left join first_paid on accounts.account_id = first_paid.account_id
    left join started_trials on accounts.account_id = started_trials.account_id
    left join paid_invoices on accounts.account_id = paid_invoices.account_id
    left join referrals on accounts.account_id = referrals.account_id
    left join recent_nps on accounts.account_id = recent_nps.account_id

)

select * from final
