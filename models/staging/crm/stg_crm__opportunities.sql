with base as (

    select * from {{ ref('base_crm__opportunities') }}

),

final as (

    select
        opportunity_id,
        account_id,
        opportunity_type,
        product_module,
        amount,
        currency,
        stage,
        created_at,
        closed_at,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
