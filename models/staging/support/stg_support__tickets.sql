with base as (

    select * from {{ ref('base_support__tickets') }}

),

final as (

    select
        ticket_id,
        account_id,
        requester_contact_id,
        category,
        priority,
        status,
        created_at,
        first_response_at,
        solved_at,
        csat_score,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
