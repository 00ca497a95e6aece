{#- The inputs of quarterly re-tiering, one row per account and quarter from
    the quarter the account was first seen (created, or when the CRM does
    not say, first seen in the CRM or billing: int_accounts_as_of) to the
    as-of quarter.
    A quarter's tier is set on its first day (tiered_on = quarter_start) from
    the ARR running that day; an account whose first payment falls inside the
    quarter is tiered on that first paid day instead, so a new customer is not
    "low" for its whole first quarter (first paid day from
    int_account_lifecycle_facts). annual_arpu = 12 x the MRR running on
    tiered_on (constant currency). industry_growth_rate is the seed's rate for
    the account's industry and the quarter's year (the latest earlier year if
    that year is missing; null for an industry not in the seed). -#}

with accounts as (

    select * from {{ ref('int_accounts_as_of') }}

),

subscriptions as (

    select * from {{ ref('int_subscriptions_constant_currency') }}

),

lifecycle_facts as (

    select * from {{ ref('int_account_lifecycle_facts') }}

),

industry_growth as (

    select
        lower(industry) as industry,
        cast(growth_year as integer) as growth_year,
        cast(growth_rate as double) as growth_rate
    from {{ ref('industry_growth') }}

),

quarter_offsets as (

    -- 0 .. 399: a century of quarters from the account's first quarter.
    select generated_number - 1 as n
    from ({{ dbt.generate_series(400) }}) as quarter_numbers

),

account_quarters as (

    select
        accounts.account_id,
        accounts.industry,
        cast({{ dbt.dateadd('month', '3 * quarter_offsets.n', quarter_start('accounts.first_seen_on')) }} as date)
            as quarter_start
    from accounts
    inner join quarter_offsets
        on {{ dbt.dateadd('month', '3 * quarter_offsets.n', quarter_start('accounts.first_seen_on')) }}
            <= {{ as_of_date() }}

),

tiering_days as (

    select
        account_quarters.account_id,
        account_quarters.industry,
        account_quarters.quarter_start,
        case
            when lifecycle_facts.first_paid_on > account_quarters.quarter_start
                and lifecycle_facts.first_paid_on
                    < {{ dbt.dateadd('month', 3, 'account_quarters.quarter_start') }}
                then lifecycle_facts.first_paid_on
            else account_quarters.quarter_start
        end as tiered_on
    from account_quarters
    left join lifecycle_facts
        on account_quarters.account_id = lifecycle_facts.account_id

),

running_arr as (

    select
        tiering_days.account_id,
        tiering_days.quarter_start,
        12 * {{ money_sum('subscriptions.mrr_amount') }} as annual_arpu
    from tiering_days
    inner join subscriptions
        on tiering_days.account_id = subscriptions.account_id
        and {{ subscription_runs_on('subscriptions', 'tiering_days.tiered_on') }}
    group by tiering_days.account_id, tiering_days.quarter_start

),

growth_candidates as (

    select
        tiering_days.account_id,
        tiering_days.quarter_start,
        industry_growth.growth_rate,
        row_number() over (
            partition by tiering_days.account_id, tiering_days.quarter_start
            order by industry_growth.growth_year desc
        ) as year_recency
    from tiering_days
    inner join industry_growth
        on tiering_days.industry = industry_growth.industry
        and industry_growth.growth_year <= extract(year from tiering_days.quarter_start)

),

final as (

    select
        tiering_days.account_id,
        tiering_days.quarter_start,
        tiering_days.tiered_on,
        {{ round_double('coalesce(running_arr.annual_arpu, 0)', 2) }} as annual_arpu,
        growth_candidates.growth_rate as industry_growth_rate
    from tiering_days
    left join running_arr
        on tiering_days.account_id = running_arr.account_id
        and tiering_days.quarter_start = running_arr.quarter_start
    left join growth_candidates
        on tiering_days.account_id = growth_candidates.account_id
        and tiering_days.quarter_start = growth_candidates.quarter_start
        and growth_candidates.year_recency = 1

)

select * from final
