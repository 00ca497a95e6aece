with base as (

    select * from {{ ref('base_survey__nps_responses') }}

),

final as (

    select
        response_id,
        account_id,
        contact_id,
        score,
        comment,
        responded_at,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
