{#- Account x as-of date for every date of the health grid on which the
    account had a subscription running (a paying customer that day). Only
    what was known on that date decides: a subscription that started later
    is not counted, one that ended later was still running. -#}

with as_of_dates as (

    select * from {{ ref('int_health_as_of_dates') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

final as (

    select distinct
        subscriptions.account_id,
        as_of_dates.as_of_date
    from as_of_dates
    inner join subscriptions
        on {{ subscription_runs_on('subscriptions', 'as_of_dates.as_of_date') }}
    where subscriptions.account_id is not null

)

select * from final
