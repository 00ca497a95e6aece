{#- Module-to-module adoption (playbook section 5), one row per ordered pair
    of product modules: adopters, later buyers, conversion rate, base rate
    and lift, as int_growth_module_propensity works them out (the rules are
    in its header). -#}

with module_propensity as (

    select * from {{ ref('int_growth_module_propensity') }}

),

final as (

    select
        from_module,
        to_module,
        adopters,
        later_buyers,
        conversion_rate,
        base_accounts,
        base_buyers,
        base_rate,
        lift
    from module_propensity

)

select * from final
