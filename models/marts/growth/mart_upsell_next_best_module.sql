{#- The next best module for each account paying at the as-of date (MRR
    running on that day), from the module-to-module rates of
    int_growth_module_propensity (published as mart_upsell_propensity).
      candidates      modules the account has never paid for
      propensity      for a candidate, the highest conversion_rate among the
                      pairs from a module the account has (ever paid for) to
                      the candidate: the share of similar accounts that went
                      on to buy it
      next_best_module the candidate with the highest propensity (ties: the
                      higher lift, then the module name)
      is_upsell_candidate propensity >= upsell_propensity_threshold
    An account that owns every module, or whose candidates have no rate,
    has no row. -#}

with account_modules as (

    select * from {{ ref('int_growth_account_modules') }}

),

module_rates as (

    select * from {{ ref('int_growth_module_propensity') }}

),

lifecycle_facts as (

    select * from {{ ref('int_account_lifecycle_facts') }}

),

paying_accounts as (

    select account_id
    from lifecycle_facts
    where current_mrr_amount > 0

),

candidate_rates as (

    select
        paying_accounts.account_id,
        module_rates.to_module as candidate_module,
        module_rates.from_module as driver_module,
        module_rates.conversion_rate,
        module_rates.lift
    from paying_accounts
    inner join account_modules as owned_modules
        on paying_accounts.account_id = owned_modules.account_id
    inner join module_rates
        on owned_modules.product_module = module_rates.from_module
    left join account_modules as already_owned
        on paying_accounts.account_id = already_owned.account_id
        and module_rates.to_module = already_owned.product_module
    where already_owned.account_id is null
        and module_rates.conversion_rate is not null

),

ranked as (

    select
        *,
        row_number() over (
            partition by account_id
            order by
                conversion_rate desc,
                lift desc nulls last,
                candidate_module asc,
                driver_module asc
        ) as candidate_rank
    from candidate_rates

),

final as (

    select
        account_id,
        candidate_module as next_best_module,
        driver_module,
        conversion_rate as propensity,
        lift,
        conversion_rate >= {{ var('upsell_propensity_threshold') }} as is_upsell_candidate
    from ranked
    where candidate_rank = 1

)

select * from final
