{#- Quarterly re-tiering: the value tier of each account in each quarter
    (int_account_quarter_tiers), with the tier it had the quarter before. -#}

with quarter_tiers as (

    select * from {{ ref('int_account_quarter_tiers') }}

),

final as (

    select
        account_id,
        quarter_start,
        tiered_on,
        annual_arpu,
        industry_growth_rate,
        arpu_band,
        growth_band,
        value_tier,
        lag(value_tier) over (partition by account_id order by quarter_start)
            as previous_value_tier,
        coalesce(
            value_tier <> lag(value_tier) over (partition by account_id order by quarter_start),
            false
        ) as tier_changed
    from quarter_tiers

)

select * from final
