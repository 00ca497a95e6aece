with base as (

    select * from {{ ref('base_marketing__campaigns') }}

),

final as (

    select
        campaign_id,
        campaign_name,
        channel,
        started_on,
        ended_on,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
