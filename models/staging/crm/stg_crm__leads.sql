with base as (

    select * from {{ ref('base_crm__leads') }}

),

final as (

    select
        lead_id,
        company_name,
        industry,
        acquisition_channel,
        campaign_id,
        referred_by_account_id,
        status,
        created_at,
        converted_account_id,
        converted_at,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
