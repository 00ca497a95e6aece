with base as (

    select * from {{ ref('base_crm__accounts') }}

),

final as (

    select
        account_id,
        account_name,
        industry,
        country,
        employee_count,
        acquisition_channel,
        csm_owner_id,
        created_at,
        updated_at,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
