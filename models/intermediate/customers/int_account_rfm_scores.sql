{#- RFM per account over its paid invoices in the rfm_lookback_days before the
    as-of date (paid_at in (as_of - lookback, as_of]). Amounts in the
    reporting currency at the rate of the month paid.
      recency_days  as-of date - last paid date
      frequency     number of paid invoices
      monetary      total paid amount
    Scores 1-5 by quintile, 5 = best (most recent, most frequent, largest):
    score = ceil(5 x the share of accounts whose value is no better than this
    one's), so tied accounts share a score and n accounts with distinct values
    split into fifths. Accounts with no paid invoice in the window have no
    row. Read by fct_rfm (which names the segment) and by the segmentation
    features. -#}

with invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_monthly') }}

),

paid_in_window as (

    select
        invoices.account_id,
        cast(invoices.paid_at as date) as paid_on,
        invoices.amount * fx_rates.rate_to_reporting as amount
    from invoices
    inner join fx_rates
        on invoices.currency = fx_rates.currency
        and fx_rates.rate_month = {{ month_start('invoices.paid_at') }}
    where invoices.status = 'paid'
        and invoices.account_id is not null
        and {{ is_visible_at_as_of('invoices.paid_at') }}
        and cast(invoices.paid_at as date)
            > {{ dbt.dateadd('day', -1 * var('rfm_lookback_days'), as_of_date()) }}

),

account_values as (

    select
        account_id,
        {{ dbt.datediff('max(paid_on)', as_of_date(), 'day') }} as recency_days,
        count(*) as frequency,
        round({{ money_sum('amount') }}, 2) as monetary
    from paid_in_window
    group by account_id

),

ranked as (

    select
        *,
        count(*) over () as account_count,
        -- RANGE windows count the current row's peers, so ties share a count.
        count(*) over (order by recency_days desc range between unbounded preceding and current row)
            as recency_no_better_count,
        count(*) over (order by frequency range between unbounded preceding and current row)
            as frequency_no_better_count,
        count(*) over (order by monetary range between unbounded preceding and current row)
            as monetary_no_better_count
    from account_values

),

final as (

    select
        account_id,
        cast(recency_days as integer) as recency_days,
        cast(frequency as integer) as frequency,
        cast(monetary as decimal(18, 2)) as monetary,
        cast(ceil(5.0 * recency_no_better_count / account_count) as integer) as r_score,
        cast(ceil(5.0 * frequency_no_better_count / account_count) as integer) as f_score,
        cast(ceil(5.0 * monetary_no_better_count / account_count) as integer) as m_score
    from ranked

)

select * from final
