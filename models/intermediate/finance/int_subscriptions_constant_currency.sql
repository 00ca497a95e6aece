{#- Subscriptions visible at the as-of date, with MRR in the reporting
    currency at the as-of month's rate. One rate for every month ("constant
    currency") so that MRR movements show changes in business, not in
    exchange rates. -#}

with subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

final as (

    select
        subscriptions.subscription_id,
        subscriptions.account_id,
        subscriptions.product_module,
        subscriptions.plan,
        subscriptions.started_on,
        subscriptions.ended_on,
        subscriptions.mrr_amount * fx_rates.rate_to_reporting as mrr_amount
    from subscriptions
    inner join fx_rates
        on subscriptions.currency = fx_rates.currency
        and fx_rates.rate_month = {{ month_start(as_of_date()) }}
    where subscriptions.started_on <= {{ as_of_date() }}
        and subscriptions.account_id is not null

)

select * from final
