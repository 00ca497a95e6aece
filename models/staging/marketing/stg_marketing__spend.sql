with base as (

    select * from {{ ref('base_marketing__spend') }}

),

final as (

    select
        spend_date,
        campaign_id,
        channel,
        amount,
        currency,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
