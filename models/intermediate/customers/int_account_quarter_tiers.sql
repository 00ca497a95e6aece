{#- The value tier of each account in each quarter (playbook section 2),
    from the quarter's annual ARPU and industry growth rate
    (int_account_quarter_arr): each is banded (macros/utils/value_bands.sql)
    and the band pair maps to a tier through seeds/value_tier_matrix.csv.
    Read by fct_account_tiers (which adds the previous quarter's tier), by
    dim_accounts and mart_satisfaction (the tier of a quarter) and by the
    segmentation features (the as-of quarter's annual ARPU). -#}

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

final as (

    select
        banded.account_id,
        banded.quarter_start,
        banded.tiered_on,
        cast(banded.annual_arpu as decimal(18, 2)) as annual_arpu,
        cast(banded.industry_growth_rate as double) as industry_growth_rate,
        banded.arpu_band,
        banded.growth_band,
        tier_matrix.value_tier
    from banded
    inner join tier_matrix
        on banded.arpu_band = tier_matrix.arpu_band
        and banded.growth_band = tier_matrix.growth_band

)

select * from final
