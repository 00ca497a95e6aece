with base as (

    select * from {{ ref('base_product__trials') }}

),

final as (

    select
        trial_id,
        account_id,
        product_module,
        started_at,
        ends_at,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
