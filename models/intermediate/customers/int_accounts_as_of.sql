{#- Every account known at the as-of date, one row each; no account with
    revenue is left out.
    Known to the CRM: a staged version of the account written on or before
    the as-of date (and not created after it). Its latest such version gives
    the CRM fields (ties broken by the later file row); a field left blank
    in that version stays null (a blank created_at, name, industry, ... is
    kept, never a reason to drop the account).
    Known to billing only: a subscription started, or an invoice issued or
    paid, on or before the as-of date, for an account with no such CRM
    version (its CRM rows were all quarantined, with their reason in
    quarantine.quarantined_rows, or are dated after the as-of date). The
    account is kept with null CRM fields and is_known_to_crm false, so its
    revenue counts in every mart with it.
    first_seen_on: the day the account was created, or, when the CRM does
    not say (blank created_at, or no CRM version), the earliest day it
    appears: its first visible CRM version, first subscription start, or
    first invoice. The quarterly tier history starts in its quarter. -#}

with account_versions as (

    select * from {{ ref('stg_crm__accounts') }}

),

subscriptions as (

    select * from {{ ref('int_subscriptions_constant_currency') }}

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

visible_versions as (

    select
        *,
        row_number() over (
            partition by account_id
            order by updated_at desc, _landing_row_number desc
        ) as version_recency
    from account_versions
    where (created_at is null or {{ is_visible_at_as_of('created_at') }})
        and {{ is_visible_at_as_of('updated_at') }}

),

crm_accounts as (

    select *
    from visible_versions
    where version_recency = 1

),

-- Each day an account shows up on or before the as-of date, by source.
sightings as (

    select
        account_id,
        cast(updated_at as date) as seen_on
    from visible_versions
    union all
    select
        account_id,
        started_on as seen_on
    from subscriptions
    union all
    select
        account_id,
        cast(issued_at as date) as seen_on
    from invoices
    where account_id is not null
        and {{ is_visible_at_as_of('issued_at') }}
    union all
    select
        account_id,
        cast(paid_at as date) as seen_on
    from invoices
    where account_id is not null
        and paid_at is not null
        and {{ is_visible_at_as_of('paid_at') }}

),

first_sightings as (

    select
        account_id,
        min(seen_on) as first_seen_on
    from sightings
    group by account_id

),

final as (

    select
        first_sightings.account_id,
        crm_accounts.account_name,
        crm_accounts.industry,
        crm_accounts.country,
        crm_accounts.employee_count,
        crm_accounts.acquisition_channel,
        crm_accounts.csm_owner_id,
        crm_accounts.created_at,
        crm_accounts.updated_at,
        crm_accounts.account_id is not null as is_known_to_crm,
        coalesce(cast(crm_accounts.created_at as date), first_sightings.first_seen_on)
            as first_seen_on
    from first_sightings
    left join crm_accounts on first_sightings.account_id = crm_accounts.account_id

)

select * from final
