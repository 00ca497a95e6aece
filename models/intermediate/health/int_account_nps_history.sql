{#- Per account, each NPS response with the same person's response before it
    and the day the account's next response arrives: between valid_from_on
    (included) and valid_to_on (excluded) this response is the account's
    latest. Responses are ordered by responded_at, then response_id; several
    on one day leave only the last of that day valid (the earlier ones get an
    empty interval).
    nps_previous compares like with like: it is the previous score of the
    contact who gave this response, not the account's previous response
    (which may come from someone else: a CFO's 3 after an engineer's 9 is two
    opinions, not a fall). A response without a contact, or a contact's
    first, has no previous score, so it cannot show a drop. -#}

with nps_responses as (

    select * from {{ ref('stg_survey__nps_responses') }}

),

ordered as (

    select
        account_id,
        response_id,
        score,
        cast(responded_at as date) as responded_on,
        case
            when contact_id is not null then lag(score) over contact_responses
        end as previous_score,
        lead(cast(responded_at as date)) over account_responses as next_responded_on
    from nps_responses
    where account_id is not null
        and score is not null
        and responded_at is not null
    window
        account_responses as (
            partition by account_id
            order by responded_at, response_id
        ),
        contact_responses as (
            partition by account_id, contact_id
            order by responded_at, response_id
        )

),

final as (

    select
        account_id,
        response_id,
        score as nps_latest,
        previous_score as nps_previous,
        responded_on as valid_from_on,
        next_responded_on as valid_to_on
    from ordered

)

select * from final
