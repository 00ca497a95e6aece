{#- Satisfaction by month x value tier x industry (playbook section 5).
      NPS   responses by the month they were given; promoters score 9-10,
            passives 7-8, detractors 0-6; nps = % promoters - % detractors
            (-100..100, 2 decimals), e.g. ratings 0..10 once each give
            (2 - 7) / 11 = -45.45
      CSAT  ticket ratings (1-5) by the month the ticket was created;
            csat_rate = share of ratings 4 or 5; csat_average_score the mean
      resolution  tickets created in the month that are solved (solved_at on
            or before the as-of date) / tickets created in the month
    Value tier = the account's tier in the quarter of the month
    (int_account_quarter_tiers, the tiers of fct_account_tiers), so a month
    keeps the tier it had then; industry = the CRM's at the as-of date;
    'unknown' when missing. Only data dated on or before the as-of date.
    Response counts are on every row so small groups can be read with care;
    every rate is null with no responses. -#}

with nps_responses as (

    select * from {{ ref('stg_survey__nps_responses') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

quarter_tiers as (

    select * from {{ ref('int_account_quarter_tiers') }}

),

accounts as (

    select * from {{ ref('int_accounts_as_of') }}

),

nps_rows as (

    select
        account_id,
        {{ month_start('responded_at') }} as month,
        1 as nps_response_count,
        case when {{ nps_category('score') }} = 'promoter' then 1 else 0 end as promoter_count,
        case when {{ nps_category('score') }} = 'passive' then 1 else 0 end as passive_count,
        case when {{ nps_category('score') }} = 'detractor' then 1 else 0 end as detractor_count,
        0 as ticket_count,
        0 as resolved_ticket_count,
        0 as csat_response_count,
        0 as csat_satisfied_count,
        0 as csat_score_total
    from nps_responses
    where score is not null
        and responded_at is not null
        and {{ is_visible_at_as_of('responded_at') }}

),

ticket_rows as (

    select
        account_id,
        {{ month_start('created_at') }} as month,
        0 as nps_response_count,
        0 as promoter_count,
        0 as passive_count,
        0 as detractor_count,
        1 as ticket_count,
        case
            when solved_at is not null and {{ is_visible_at_as_of('solved_at') }} then 1
            else 0
        end as resolved_ticket_count,
        case when csat_score is not null then 1 else 0 end as csat_response_count,
        case when csat_score >= 4 then 1 else 0 end as csat_satisfied_count,
        coalesce(csat_score, 0) as csat_score_total
    from tickets
    where created_at is not null
        and {{ is_visible_at_as_of('created_at') }}

),

combined as (

    select * from nps_rows
    union all
    select * from ticket_rows

),

labelled as (

    select
        combined.*,
        coalesce(quarter_tiers.value_tier, 'unknown') as value_tier,
        coalesce(accounts.industry, 'unknown') as industry
    from combined
    left join quarter_tiers
        on combined.account_id = quarter_tiers.account_id
        and {{ quarter_start('combined.month') }} = quarter_tiers.quarter_start
    left join accounts on combined.account_id = accounts.account_id

),

final as (

    select
        month,
        value_tier,
        industry,
        cast(sum(nps_response_count) as integer) as nps_response_count,
        cast(sum(promoter_count) as integer) as promoters,
        cast(sum(passive_count) as integer) as passives,
        cast(sum(detractor_count) as integer) as detractors,
        cast({{ nps_value('sum(promoter_count)', 'sum(detractor_count)', 'sum(nps_response_count)') }} as double)
            as nps,
        cast(sum(csat_response_count) as integer) as csat_response_count,
        {{ safe_divide('sum(csat_satisfied_count)', 'sum(csat_response_count)') }} as csat_rate,
        {{ safe_divide('sum(csat_score_total)', 'sum(csat_response_count)') }} as csat_average_score,
        cast(sum(ticket_count) as integer) as ticket_count,
        cast(sum(resolved_ticket_count) as integer) as resolved_ticket_count,
        {{ safe_divide('sum(resolved_ticket_count)', 'sum(ticket_count)') }} as ticket_resolution_rate,
        {{ is_complete_month('month') }} as is_complete_month
    from labelled
    group by month, value_tier, industry

)

select * from final
