{#- The semantic layer's time spine (MetricFlow's): one row per day, from
    the first day of the earliest month any mart's data reaches to the last
    day of the as-of date's month. MetricFlow joins it for cumulative
    metrics and to fill periods without rows. -#}

{%- set longest_month_days = 31 -%}

with accounts as (

    select * from {{ ref('dim_accounts') }}

),

mrr_movements as (

    select * from {{ ref('fct_mrr_movements') }}

),

funnel as (

    select * from {{ ref('mart_lifecycle_funnel') }}

),

unit_economics as (

    select * from {{ ref('mart_unit_economics') }}

),

satisfaction as (

    select * from {{ ref('mart_satisfaction') }}

),

account_health as (

    select * from {{ ref('fct_account_health') }}

),

first_days as (

    select min(created_on) as first_day from accounts
    union all
    select min(month) as first_day from mrr_movements
    union all
    select min(month) as first_day from funnel
    union all
    select min(month) as first_day from unit_economics
    union all
    select min(month) as first_day from satisfaction
    union all
    select min(as_of_date) as first_day from account_health

),

months as (

    {{ month_spine(
        '(select ' ~ month_start('min(first_day)') ~ ' from first_days)',
        as_of_date(),
    ) }}

),

day_offsets as (

    select generated_number - 1 as day_offset
    from ({{ dbt.generate_series(longest_month_days) }}) as day_numbers

),

days as (

    select
        months.month,
        cast({{ dbt.dateadd('day', 'day_offsets.day_offset', 'months.month') }} as date) as date_day
    from months
    cross join day_offsets

),

final as (

    select date_day
    from days
    where date_day <= {{ month_end('month') }}

)

select * from final
