{#- Each account as the CRM knew it on the as-of date: the latest version
    written on or before that date (ties broken by the later file row). -#}

with account_versions as (

    select * from {{ ref('stg_crm__accounts') }}

),

visible_versions as (

    select
        *,
        row_number() over (
            partition by account_id
            order by updated_at desc, _landing_row_number desc
        ) as version_recency
    from account_versions
    where {{ is_visible_at_as_of('created_at') }}
        and {{ is_visible_at_as_of('updated_at') }}

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
        updated_at
    from visible_versions
    where version_recency = 1

)

select * from final
