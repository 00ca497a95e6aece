with base as (

    select * from {{ ref('base_billing__subscriptions') }}

),

final as (

    select
        subscription_id,
        account_id,
        product_module,
        plan,
        mrr_amount,
        currency,
        started_on,
        ended_on,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
