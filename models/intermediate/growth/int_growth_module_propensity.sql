{#- Module-to-module adoption (playbook section 5: "60 % of inventory-module
    users go on to buy the supply-chain forecasting module"), one row per
    ordered pair of product modules, from int_growth_account_modules (paid
    subscriptions started by the as-of date).
      adopters       accounts that bought from_module and had not bought
                     to_module on or before that day (they could still buy
                     it later)
      later_buyers   of the adopters, the ones whose first to_module
                     subscription started after their first from_module one
      conversion_rate = later_buyers / adopters; null without adopters
      base_accounts  accounts that bought something but never from_module;
      base_buyers    of them, the ones that bought to_module
      base_rate      = base_buyers / base_accounts; null without base accounts
      lift           = conversion_rate / base_rate: how many times likelier
                     to_module is after from_module; null when the base rate
                     is 0 or null
    Recent adopters have had less time to buy, so a rate is a floor for them.
    Published as mart_upsell_propensity; mart_upsell_next_best_module ranks
    an account's candidate modules with these rates. -#}

with account_modules as (

    select * from {{ ref('int_growth_account_modules') }}

),

modules as (

    select distinct product_module from account_modules

),

buying_accounts as (

    select count(distinct account_id) as account_count from account_modules

),

module_pairs as (

    select
        from_modules.product_module as from_module,
        to_modules.product_module as to_module
    from modules as from_modules
    cross join modules as to_modules
    where from_modules.product_module <> to_modules.product_module

),

adoptions as (

    select
        module_pairs.from_module,
        module_pairs.to_module,
        from_adoption.account_id,
        from_adoption.first_started_on as from_started_on,
        to_adoption.first_started_on as to_started_on
    from module_pairs
    inner join account_modules as from_adoption
        on module_pairs.from_module = from_adoption.product_module
    left join account_modules as to_adoption
        on module_pairs.to_module = to_adoption.product_module
        and from_adoption.account_id = to_adoption.account_id

),

pair_counts as (

    select
        from_module,
        to_module,
        count(*) as from_module_accounts,
        sum(case when to_started_on is null or to_started_on > from_started_on
            then 1 else 0 end) as adopters,
        sum(case when to_started_on > from_started_on then 1 else 0 end) as later_buyers,
        sum(case when to_started_on is not null then 1 else 0 end) as from_module_to_module_accounts
    from adoptions
    group by from_module, to_module

),

module_counts as (

    select
        product_module,
        count(*) as module_accounts
    from account_modules
    group by product_module

),

pair_rates as (

    select
        pair_counts.from_module,
        pair_counts.to_module,
        cast(pair_counts.adopters as integer) as adopters,
        cast(pair_counts.later_buyers as integer) as later_buyers,
        {{ safe_divide('pair_counts.later_buyers', 'pair_counts.adopters') }} as conversion_rate,
        cast(buying_accounts.account_count - pair_counts.from_module_accounts as integer)
            as base_accounts,
        cast(to_counts.module_accounts - pair_counts.from_module_to_module_accounts as integer)
            as base_buyers,
        {{ safe_divide(
            'to_counts.module_accounts - pair_counts.from_module_to_module_accounts',
            'buying_accounts.account_count - pair_counts.from_module_accounts'
        ) }} as base_rate
    from pair_counts
    cross join buying_accounts
    inner join module_counts as to_counts
        on pair_counts.to_module = to_counts.product_module

),

final as (

    select
        *,
        {{ safe_divide('conversion_rate', 'base_rate') }} as lift
    from pair_rates

)

select * from final
