{#- Quarterly re-tiering: the value tier of each account in each quarter,
    with the tier it had the quarter before. -#}

with quarter_arr as (

    select * from {{ ref('int_account_quarter_arr') }}

),

tier_matrix as (

    select * from {{ ref('value_tier_matrix') }}

),

banded as (

    select
        *,
        {{ arpu_band('annual_arpu') }} as arpu_band,
        {{ growth_band('industry_growth_rate') }} as growth_band
    from quarter_arr

),

tiered as (

    select
        banded.account_id,
        banded.quarter_start,
        banded.tiered_on,
        banded.annual_arpu,
        banded.industry_growth_rate,
        banded.arpu_band,
        banded.growth_band,
        tier_matrix.value_tier
    from banded
    inner join tier_matrix
        on banded.arpu_band = tier_matrix.arpu_band
        and banded.growth_band = tier_matrix.growth_band

),

final as (

    select
        account_id,
        quarter_start,
        tiered_on,
        cast(annual_arpu as decimal(18, 2)) as annual_arpu,
        cast(industry_growth_rate as double) as industry_growth_rate,
        arpu_band,
        growth_band,
        value_tier,
        lag(value_tier) over (partition by account_id order by quarter_start)
            as previous_value_tier,
        coalesce(
            value_tier <> lag(value_tier) over (partition by account_id order by quarter_start),
            false
        ) as tier_changed
    from tiered

)

select * from final
