{#- One row per account known to the CRM on the as-of date, with its
    lifecycle stage, the value tier of the as-of quarter and the service
    model that follows from them (playbook section 3: a dedicated CSM for
    high-value customers, automated service for mid and low). -#}

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
        {{ as_of_date() }} as as_of_date
    from accounts
    inner join lifecycle_stages on accounts.account_id = lifecycle_stages.account_id
    inner join lifecycle_facts on accounts.account_id = lifecycle_facts.account_id
    inner join current_tiers on accounts.account_id = current_tiers.account_id
    left join referred_accounts on accounts.account_id = referred_accounts.account_id

)

select * from final
