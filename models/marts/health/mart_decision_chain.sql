{#- The decision chain of every account at the as-of date (playbook
    section 4; the accounts of int_accounts_as_of, as in dim_accounts):
    contacts by buying role (decision_maker, user, influencer, other),
    which of the three roles are covered, and who engaged in the
    last decision_chain_engagement_days days (engaged = raised a support
    ticket or answered an NPS survey in that window; the only contact-level
    activity the landing data records).
      coverage_score       roles covered / 3, the same rule as the
                           decision_chain factor of fct_account_health
                           (int_account_buying_roles)
      is_single_threaded   exactly one contact engaged in the window: the
                           relationship hangs on one person
    Only contacts created on or before the as-of date count. -#}

with accounts as (

    select * from {{ ref('int_accounts_as_of') }}

),

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

buying_roles as (

    select * from {{ ref('int_account_buying_roles') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

nps_responses as (

    select * from {{ ref('stg_survey__nps_responses') }}

),

visible_contacts as (

    select
        contact_id,
        account_id,
        coalesce(buying_role, 'other') as buying_role
    from contacts
    where {{ is_visible_at_as_of('created_at') }}

),

window_start as (

    select
        cast({{ dbt.dateadd('day', 1 - var('decision_chain_engagement_days'), as_of_date()) }} as date)
            as first_engaged_on

),

interactions as (

    select
        tickets.requester_contact_id as contact_id,
        cast(tickets.created_at as date) as interacted_on
    from tickets
    where tickets.requester_contact_id is not null

    union all

    select
        nps_responses.contact_id,
        cast(nps_responses.responded_at as date) as interacted_on
    from nps_responses
    where nps_responses.contact_id is not null

),

contact_interactions as (

    select
        interactions.contact_id,
        count(*) as interaction_count
    from interactions
    cross join window_start
    where interactions.interacted_on >= window_start.first_engaged_on
        and interactions.interacted_on <= {{ as_of_date() }}
    group by interactions.contact_id

),

contact_facts as (

    select
        visible_contacts.account_id,
        visible_contacts.buying_role,
        coalesce(contact_interactions.interaction_count, 0) as interaction_count
    from visible_contacts
    left join contact_interactions on visible_contacts.contact_id = contact_interactions.contact_id

),

account_contacts as (

    select
        account_id,
        count(*) as contact_count,
        {%- for role in ['decision_maker', 'user', 'influencer', 'other'] %}
        sum(case when buying_role = '{{ role }}' then 1 else 0 end) as {{ role }}_contacts,
        {%- endfor %}
        {%- for role in ['decision_maker', 'user', 'influencer'] %}
        sum(case when buying_role = '{{ role }}' and interaction_count > 0 then 1 else 0 end)
            as engaged_{{ role }}_contacts,
        sum(case when buying_role = '{{ role }}' then interaction_count else 0 end)
            as {{ role }}_interactions,
        {%- endfor %}
        sum(case when interaction_count > 0 then 1 else 0 end) as engaged_contact_count
    from contact_facts
    group by account_id

),

roles_covered as (

    select
        account_id,
        count(*) as buying_roles_covered_count
    from buying_roles
    where first_contact_on <= {{ as_of_date() }}
    group by account_id

),

final as (

    select
        accounts.account_id,
        cast(coalesce(account_contacts.contact_count, 0) as integer) as contact_count,
        {%- for role in ['decision_maker', 'user', 'influencer', 'other'] %}
        cast(coalesce(account_contacts.{{ role }}_contacts, 0) as integer) as {{ role }}_contacts,
        {%- endfor %}
        coalesce(account_contacts.decision_maker_contacts, 0) > 0 as has_decision_maker,
        coalesce(account_contacts.user_contacts, 0) > 0 as has_user,
        coalesce(account_contacts.influencer_contacts, 0) > 0 as has_influencer,
        cast(coalesce(roles_covered.buying_roles_covered_count, 0) as integer) as buying_roles_covered_count,
        coalesce(roles_covered.buying_roles_covered_count, 0) / cast(3 as double) as coverage_score,
        cast(coalesce(account_contacts.engaged_contact_count, 0) as integer) as engaged_contact_count,
        {%- for role in ['decision_maker', 'user', 'influencer'] %}
        cast(coalesce(account_contacts.engaged_{{ role }}_contacts, 0) as integer) as engaged_{{ role }}_contacts,
        cast(coalesce(account_contacts.{{ role }}_interactions, 0) as integer) as {{ role }}_interactions,
        {%- endfor %}
        coalesce(account_contacts.engaged_contact_count, 0) = 1 as is_single_threaded,
        {{ as_of_date() }} as as_of_date
    from accounts
    left join account_contacts on accounts.account_id = account_contacts.account_id
    left join roles_covered on accounts.account_id = roles_covered.account_id

)

select * from final
