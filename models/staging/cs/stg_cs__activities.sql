{#- The free-text notes stop at the base model, like contacts' names: no
    intermediate model or mart can select them. -#}
with base as (

    select * from {{ ref('base_cs__activities') }}

),

final as (

    select
        activity_id,
        account_id,
        activity_kind,
        performed_at,
        cast(performed_at as date) as performed_on,
        performed_by,
        performed_by is null as is_automated,
        channel,
        worklist_item_id,
        _landing_row_number
    from base
    where quarantine_reason is null

)

select * from final
