{#- RFM per account (int_account_rfm_scores: recency, frequency, monetary
    over the paid invoices of the rfm_lookback_days before the as-of date,
    and their 1-5 quintile scores), with the scores as a code and the named
    segment of the R and F scores (seeds/rfm_segments.csv). Accounts with no
    paid invoice in the window have no row. -#}

with rfm_scores as (

    select * from {{ ref('int_account_rfm_scores') }}

),

rfm_segments as (

    select * from {{ ref('rfm_segments') }}

),

final as (

    select
        rfm_scores.account_id,
        {{ as_of_date() }} as as_of_date,
        rfm_scores.recency_days,
        rfm_scores.frequency,
        rfm_scores.monetary,
        rfm_scores.r_score,
        rfm_scores.f_score,
        rfm_scores.m_score,
        {{ dbt.concat([
            "'R'", "cast(rfm_scores.r_score as " ~ dbt.type_string() ~ ")",
            "'F'", "cast(rfm_scores.f_score as " ~ dbt.type_string() ~ ")",
            "'M'", "cast(rfm_scores.m_score as " ~ dbt.type_string() ~ ")",
        ]) }}
            as rfm_code,
        rfm_segments.rfm_segment
    from rfm_scores
    inner join rfm_segments
        on rfm_scores.r_score = rfm_segments.r_score
        and rfm_scores.f_score = rfm_segments.f_score

)

select * from final
