{#- One row per account known on the as-of date (int_accounts_as_of: known
    to the CRM, or to billing only, so every account with revenue is here),
    with its lifecycle stage, the value tier of the as-of quarter and the
    service model that follows from them (playbook section 3: a dedicated
    CSM for high-value customers, automated service for mid and low).
    Every other input is left-joined: an account missing from one shows up
    as a null the tests catch, never as a row that silently disappears. -#}

with accounts as (

    select * from {{ ref('int_accounts_as_of') }}

),

lifecycle_facts as (

    select * from {{ ref('int_account_lifecycle_facts') }}

),

lifecycle_stages as (

    select * from {{ ref('int_account_lifecycle_stages') }}

),

quarter_tiers as (

    select * from {{ ref('int_account_quarter_tiers') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

current_tiers as (

    select *
    from quarter_tiers
    where quarter_start = {{ quarter_start(as_of_date()) }}

),

referred_accounts as (

    select distinct converted_account_id as account_id
    from leads
    where converted_account_id is not null
        and referred_by_account_id is not null
        and {{ is_visible_at_as_of('created_at') }}

),

final as (

    select
        accounts.account_id,
        accounts.account_name,
        accounts.industry,
        accounts.country,
        accounts.employee_count,
        accounts.acquisition_channel,
        accounts.csm_owner_id,
        cast(accounts.created_at as date) as created_on,
        lifecycle_stages.lifecycle_stage,
        current_tiers.value_tier,
        current_tiers.annual_arpu,
        current_tiers.industry_growth_rate,
        cast(lifecycle_facts.current_mrr_amount as decimal(18, 2)) as current_mrr_amount,
        case
            when lifecycle_stages.lifecycle_stage not in ('paying', 'loyal') then 'none'
            when current_tiers.value_tier = 'high' then 'dedicated_csm'
            else 'automated'
        end as service_model,
        lifecycle_facts.first_paid_on,
        referred_accounts.account_id is not null as is_referred,
        {{ as_of_date() }} as as_of_date,
        accounts.is_known_to_crm
    from accounts
    left join lifecycle_stages on accounts.account_id = lifecycle_stages.account_id
    left join lifecycle_facts on accounts.account_id = lifecycle_facts.account_id
    left join current_tiers on accounts.account_id = current_tiers.account_id
    left join referred_accounts on accounts.account_id = referred_accounts.account_id

)

select * from final
