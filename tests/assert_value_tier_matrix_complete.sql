-- Every (ARPU band, growth band) pair has a tier, so the tier rule is
-- complete: returns the pairs missing from seeds/value_tier_matrix.csv.

with bands as (

    select 'high' as band
    union all
    select 'mid'
    union all
    select 'low'

),

tier_matrix as (

    select * from {{ ref('value_tier_matrix') }}

),

final as (

    select
        arpu_bands.band as arpu_band,
        growth_bands.band as growth_band
    from bands as arpu_bands
    cross join bands as growth_bands
    left join tier_matrix
        on arpu_bands.band = tier_matrix.arpu_band
        and growth_bands.band = tier_matrix.growth_band
    where tier_matrix.value_tier is null

)

select * from final
