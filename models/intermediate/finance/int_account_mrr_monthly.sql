{#- MRR of each account in each month, from the month of its first
    subscription to the as-of month, 0 in months with nothing running, with
    the MRR of the month before and of 12 months before (0 when none).
    MRR of a month = the sum of mrr_amount of the subscriptions running on the
    month's last day (on the as-of date for the current month); a
    subscription runs on day d when started_on <= d < ended_on. -#}

with subscriptions as (

    select * from {{ ref('int_subscriptions_constant_currency') }}

),

account_first_months as (

    select
        account_id,
        {{ month_start('min(started_on)') }} as first_month
    from subscriptions
    group by account_id

),

months as (

    {{ month_spine('(select min(first_month) from account_first_months)', as_of_date()) }}

),

account_months as (

    select
        account_first_months.account_id,
        months.month
    from account_first_months
    inner join months
        on account_first_months.first_month <= months.month

),

measured_months as (

    select
        account_id,
        month,
        case
            when {{ month_end('month') }} > {{ as_of_date() }} then {{ as_of_date() }}
            else {{ month_end('month') }}
        end as measured_on
    from account_months

),

running_mrr as (

    select
        measured_months.account_id,
        measured_months.month,
        {{ money_sum('subscriptions.mrr_amount') }} as mrr_amount
    from measured_months
    inner join subscriptions
        on measured_months.account_id = subscriptions.account_id
        and {{ subscription_runs_on('subscriptions', 'measured_months.measured_on') }}
    group by measured_months.account_id, measured_months.month

),

monthly as (

    select
        measured_months.account_id,
        measured_months.month,
        measured_months.measured_on,
        -- Rounded to cents so that an unchanged MRR compares equal month to month.
        {{ round_double('coalesce(running_mrr.mrr_amount, 0)', 2) }} as mrr_amount
    from measured_months
    left join running_mrr
        on measured_months.account_id = running_mrr.account_id
        and measured_months.month = running_mrr.month

),

final as (

    select
        account_id,
        month,
        measured_on,
        mrr_amount,
        -- The grid has every month from the first, so lag(n) is n months back.
        coalesce(lag(mrr_amount, 1) over (partition by account_id order by month), 0)
            as mrr_amount_month_before,
        coalesce(lag(mrr_amount, 12) over (partition by account_id order by month), 0)
            as mrr_amount_year_before
    from monthly

)

select * from final
