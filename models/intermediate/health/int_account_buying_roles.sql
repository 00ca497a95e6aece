{#- Per account and buying role of the decision chain (decision_maker, user,
    influencer; playbook section 4), the day its first contact in that role
    was created. The role is covered on every as-of date from that day on.
    Contacts with role "other" or none do not cover a role. -#}

with contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

final as (

    select
        account_id,
        buying_role,
        min(cast(created_at as date)) as first_contact_on
    from contacts
    where account_id is not null
        and buying_role in ('decision_maker', 'user', 'influencer')
        and created_at is not null
    group by account_id, buying_role

)

select * from final
