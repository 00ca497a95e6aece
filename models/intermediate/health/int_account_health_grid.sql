{#- Account x as-of date for every date of the health grid on which the
    account had a subscription running (a paying customer that day). Only
    what was known on that date decides: a subscription that started later
    is not counted, one that ended later was still running.
      paying_since_on  the first day of the account's current run of
                       subscriptions: the run that covers the date without
                       a day off. A plan change (one subscription ends the
                       day the next starts) or overlapping subscriptions
                       keep the run going; a day without any starts a new
                       run (the account came back). Days without login
                       count from no earlier than this day, so a customer
                       that has just started paying is not flagged for
                       logins it never had the chance to make. -#}

with as_of_dates as (

    select * from {{ ref('int_health_as_of_dates') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

running_days as (

    select distinct
        subscriptions.account_id,
        as_of_dates.as_of_date
    from as_of_dates
    inner join subscriptions
        on {{ subscription_runs_on('subscriptions', 'as_of_dates.as_of_date') }}
    where subscriptions.account_id is not null

),

spans as (

    -- An open subscription (no ended_on) runs past the as-of date, the last
    -- day the grid looks at. A subscription that never runs (ends the day
    -- it starts, or before) starts no run.
    select
        account_id,
        started_on,
        coalesce(ended_on, cast({{ dbt.dateadd('day', 1, as_of_date()) }} as date)) as ended_on
    from subscriptions
    where account_id is not null
        and started_on <= {{ as_of_date() }}
        and (ended_on is null or ended_on > started_on)

),

spans_with_cover as (

    -- covered_until: the first day not covered by any earlier-starting span
    -- of the account (null for its first span).
    select
        account_id,
        started_on,
        max(ended_on) over (
            partition by account_id
            order by started_on, ended_on
            rows between unbounded preceding and 1 preceding
        ) as covered_until
    from spans

),

run_starts as (

    select distinct
        account_id,
        started_on as run_started_on
    from spans_with_cover
    where covered_until is null
        or started_on > covered_until

),

final as (

    select
        running_days.account_id,
        running_days.as_of_date,
        max(run_starts.run_started_on) as paying_since_on
    from running_days
    left join run_starts
        on running_days.account_id = run_starts.account_id
        and running_days.as_of_date >= run_starts.run_started_on
    group by running_days.account_id, running_days.as_of_date

)

select * from final
