with base as (

    select * from {{ ref('base_billing__invoices') }}

),

final as (

    select
        invoice_id,
        account_id,
        subscription_id,
        issued_at,
        amount,
        currency,
        status,
        paid_at,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
