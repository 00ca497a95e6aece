with base as (

    select * from {{ ref('base_marketing__email_sends') }}

),

final as (

    select
        send_id,
        campaign_id,
        experiment_id,
        variant,
        lead_id,
        contact_id,
        sent_at,
        opened_at,
        clicked_at,
        converted_at,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
