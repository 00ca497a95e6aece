{#- The one wording of an account's health at the as-of date: every paying
    account of fct_account_health, its churn flags and the factors that took
    most points off, in words a CSM can act on. mart_account_health_current,
    mart_csm_worklist and the next actions' reasons all read it, so the same
    account reads the same everywhere.
    Each factor in words from the account's numbers: "no login for 34
    days" (or "no login since paying started 31 days ago" when there is no
    login in the current run of subscriptions), "6 support tickets in the
    last 30 days vs 1 in the 30 before", "NPS fell from 9 to 2", "latest NPS
    score 3 of 10", "product usage down 70 % on the previous 30 days", "only
    2 of 3 buying roles (decision maker, user, influencer) have a contact".
      churn_flags_text   the flags that fire, in those words, in the order
                         no login, ticket rise, NPS drop, joined by "; "
      top_factor_1..3    the three factors that took most points off, with
                         their points ("no login for 34 days (-30.0 pts)");
                         ties in the order login_recency, ticket_rise,
                         nps_drop, nps_level, usage_trend, decision_chain
      health_reason      "churn flags: <flags>. " when any, then "health
                         score 23.7 (high risk)", then ": " and the top
                         factors joined by "; " when any took points off -#}

{%- set text = dbt.type_string() -%}
{#- "1 day", "2 days" -#}
{%- set day_word = "case when days_without_login = 1 then ' day' else ' days' end" -%}
{%- set factors = [
    ('login_recency', 1, 'flag_no_login'),
    ('ticket_rise', 2, 'flag_ticket_rise'),
    ('nps_drop', 3, 'flag_nps_drop'),
    ('nps_level', 4, none),
    ('usage_trend', 5, none),
    ('decision_chain', 6, none),
] -%}

with account_health as (

    select * from {{ ref('fct_account_health') }}

),

current_health as (

    select *
    from account_health
    where as_of_date = {{ as_of_date() }}

),

worded as (

    select
        *,
        case
            when last_login_on is null or last_login_on < paying_since_on
                then {{ dbt.concat([
                    "'no login since paying started '",
                    "cast(days_without_login as " ~ text ~ ")",
                    day_word,
                    "' ago'",
                ]) }}
            else {{ dbt.concat(["'no login for '", "cast(days_without_login as " ~ text ~ ")", day_word]) }}
        end as login_recency_text,
        {{ dbt.concat([
            "cast(tickets_last_30d as " ~ text ~ ")",
            "' support tickets in the last 30 days vs '",
            "cast(tickets_prior_30d as " ~ text ~ ")",
            "' in the 30 before'",
        ]) }} as ticket_rise_text,
        {{ dbt.concat([
            "'NPS fell from '",
            "cast(nps_previous as " ~ text ~ ")",
            "' to '",
            "cast(nps_latest as " ~ text ~ ")",
        ]) }} as nps_drop_text,
        {{ dbt.concat(["'latest NPS score '", "cast(nps_latest as " ~ text ~ ")", "' of 10'"]) }}
            as nps_level_text,
        {{ dbt.concat([
            "'product usage down '",
            "cast(cast(round(-100 * usage_trend_rate, 0) as integer) as " ~ text ~ ")",
            "' % on the previous 30 days'",
        ]) }} as usage_trend_text,
        {{ dbt.concat([
            "'only '",
            "cast(buying_roles_covered_count as " ~ text ~ ")",
            "' of 3 buying roles (decision maker, user, influencer) have a contact'",
        ]) }} as decision_chain_text
    from current_health

),

factor_rows as (

    {% for factor, factor_order, flag in factors -%}
    select
        account_id,
        {{ factor_order }} as factor_order,
        {{ factor }}_points_lost as points_lost,
        {{ flag if flag else 'false' }} as is_flagged,
        {{ factor }}_text as factor_text
    from worded
    {%- if not loop.last %}
    union all
    {% endif -%}
    {%- endfor %}

),

ranked_factors as (

    select
        account_id,
        {{ dbt.concat([
            "factor_text",
            "' (-'",
            "cast(" ~ round_double('points_lost', 1) ~ " as " ~ text ~ ")",
            "' pts)'",
        ]) }} as factor_reason,
        row_number() over (
            partition by account_id
            order by points_lost desc, factor_order asc
        ) as factor_rank
    from factor_rows
    where points_lost > 0

),

top_factors as (

    select
        account_id,
        max(case when factor_rank = 1 then factor_reason end) as top_factor_1,
        max(case when factor_rank = 2 then factor_reason end) as top_factor_2,
        max(case when factor_rank = 3 then factor_reason end) as top_factor_3
    from ranked_factors
    group by account_id

),

flag_texts as (

    select
        account_id,
        {{ ordered_listagg('factor_text', "'; '", 'factor_order') }} as churn_flags_text
    from factor_rows
    where is_flagged
    group by account_id

),

final as (

    select
        worded.account_id,
        worded.as_of_date,
        flag_texts.churn_flags_text,
        top_factors.top_factor_1,
        top_factors.top_factor_2,
        top_factors.top_factor_3,
        {{ dbt.concat([
            "coalesce(" ~ dbt.concat(["'churn flags: '", "flag_texts.churn_flags_text", "'. '"]) ~ ", '')",
            "'health score '",
            "cast(" ~ round_double('worded.health_score', 1) ~ " as " ~ text ~ ")",
            "' ('",
            "worded.risk_level",
            "' risk)'",
            "coalesce(" ~ dbt.concat(["': '", "top_factors.top_factor_1"]) ~ ", '')",
            "coalesce(" ~ dbt.concat(["'; '", "top_factors.top_factor_2"]) ~ ", '')",
            "coalesce(" ~ dbt.concat(["'; '", "top_factors.top_factor_3"]) ~ ", '')",
        ]) }} as health_reason
    from worded
    left join top_factors on worded.account_id = top_factors.account_id
    left join flag_texts on worded.account_id = flag_texts.account_id

)

select * from final
