-- Names, emails and phone numbers stop at the base model: nothing
-- downstream needs them, so they never reach the marts.

with base as (

    select * from {{ ref('base_crm__contacts') }}

),

final as (

    select
        contact_id,
        account_id,
        job_title,
        buying_role,
        created_at,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
