{#- One rate per currency and month, from the first seed month up to the
    as-of month, converting to the reporting currency. A month with no seed
    row uses the latest earlier seed month; a month before the first seed row
    uses the first. -#}

with fx_rates as (

    select
        upper(currency) as currency,
        cast(rate_month as date) as rate_month,
        cast(usd_per_unit as double) as usd_per_unit
    from {{ ref('fx_rates') }}

),

months as (

    select month as rate_month
    from ({{ month_spine("cast('2000-01-01' as date)", as_of_date()) }}) as spine

),

validity as (

    select
        currency,
        usd_per_unit,
        case
            when rate_month = min(rate_month) over (partition by currency)
                then cast('1900-01-01' as date)
            else rate_month
        end as valid_from,
        coalesce(
            lead(rate_month) over (partition by currency order by rate_month),
            cast('9999-12-01' as date)
        ) as valid_until
    from fx_rates

),

usd_rates as (

    select
        validity.currency,
        months.rate_month,
        validity.usd_per_unit
    from months
    inner join validity
        on months.rate_month >= validity.valid_from
        and months.rate_month < validity.valid_until

),

reporting_currency as (

    select
        rate_month,
        usd_per_unit
    from usd_rates
    where currency = upper('{{ var("reporting_currency") }}')

),

final as (

    select
        usd_rates.currency,
        usd_rates.rate_month,
        usd_rates.usd_per_unit / reporting_currency.usd_per_unit as rate_to_reporting
    from usd_rates
    inner join reporting_currency
        on usd_rates.rate_month = reporting_currency.rate_month

)

select * from final
