with base as (

    select * from {{ ref('base_product__events') }}

),

final as (

    select
        event_id,
        account_id,
        user_id,
        event_type,
        feature,
        occurred_at,
        duration_seconds,
        _landing_row_number,
        _staged_at
    from base
    where quarantine_reason is null

)

select * from final
