{#- The bounded grid of as-of dates that account health is computed at:
    every day of the last health_daily_history_days days (the as-of date
    included), then every 7th day back from the as-of date for
    health_weekly_history_weeks weeks. Weekly snapshots (every 7th day back,
    in both parts) are what the churn backtest evaluates, so that recent
    days do not weigh more than older weeks. -#}

{%- set days_per_week = 7 -%}

with day_offsets as (

    select cast(generated_number - 1 as integer) as n
    from ({{ dbt.generate_series(var('health_daily_history_days')) }}) as day_numbers

),

week_offsets as (

    select cast(generated_number - 1 as integer) as n
    from ({{ dbt.generate_series(var('health_weekly_history_weeks') + 1) }}) as week_numbers

),

offsets as (

    select n as offset_days from day_offsets
    union
    select n * {{ days_per_week }} as offset_days
    from week_offsets
    where n * {{ days_per_week }} >= {{ var('health_daily_history_days') }}

),

final as (

    select
        cast({{ dbt.dateadd('day', '-1 * offset_days', as_of_date()) }} as date) as as_of_date,
        offset_days as days_before_build_as_of,
        case
            when offset_days < {{ var('health_daily_history_days') }} then 'daily'
            else 'weekly'
        end as grid_kind,
        mod(offset_days, {{ days_per_week }}) = 0 as is_weekly_snapshot
    from offsets

)

select * from final
