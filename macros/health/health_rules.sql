{#- Shared rules of the health marts, so that a rule has one definition. -#}

{#- NPS category of a 0-10 score: promoter 9-10, passive 7-8, detractor 0-6. -#}
{% macro nps_category(score_column) -%}
    case
        when {{ score_column }} >= 9 then 'promoter'
        when {{ score_column }} >= 7 then 'passive'
        when {{ score_column }} >= 0 then 'detractor'
    end
{%- endmacro %}


{#- NPS = % promoters - % detractors, -100..100, rounded to 2 decimals;
    null when there are no responses (no zero division). -#}
{% macro nps_value(promoters, detractors, responses) -%}
    case
        when {{ responses }} > 0
            then {{ round_double('cast(100 * (' ~ promoters ~ ' - ' ~ detractors ~ ') as double) / ' ~ responses, 2) }}
    end
{%- endmacro %}


{#- Risk level from the health score: below risk_high_score_below is high,
    below risk_medium_score_below is medium, else low. -#}
{% macro health_risk_level(score_column) -%}
    case
        when {{ score_column }} < {{ var('risk_high_score_below') }} then 'high'
        when {{ score_column }} < {{ var('risk_medium_score_below') }} then 'medium'
        else 'low'
    end
{%- endmacro %}


{#- Risk levels in order, so that "the higher of two levels" is a greatest()
    of ranks: low 1, medium 2, high 3 (null for anything else). -#}
{% macro risk_level_rank(level_column) -%}
    case {{ level_column }}
        when 'high' then 3
        when 'medium' then 2
        when 'low' then 1
    end
{%- endmacro %}

{% macro risk_level_of_rank(rank_expression) -%}
    case {{ rank_expression }}
        when 3 then 'high'
        when 2 then 'medium'
        else 'low'
    end
{%- endmacro %}


{#- The playbook's three churn-warning flags, one definition each.
    no login:    no login for at least churn_no_login_days days, counted
                 from the later of the last login and the day the account's
                 current run of subscriptions started (days_without_login of
                 fct_account_health): a login on D - 30 and none since is 30
                 days, flagged at the default; a customer that started paying
                 10 days ago and never logged in is 10 days, not flagged.
                 Flagged too when neither day is known.
    ticket rise: at least ticket_rise_min_tickets tickets in the last 30 days
                 and at least ticket_rise_min_ratio times the 30 days before
                 (2 then 2 is a tie, not a rise; 0 before counts as a rise).
    NPS drop:    the account's latest response at least nps_drop_min_points
                 below the same contact's previous response
                 (int_account_nps_history); false without one. -#}
{% macro flag_no_login(days_without_login) -%}
    coalesce({{ days_without_login }} >= {{ var('churn_no_login_days') }}, true)
{%- endmacro %}

{% macro flag_ticket_rise(tickets_last, tickets_prior) -%}
    (
        {{ tickets_last }} >= {{ var('ticket_rise_min_tickets') }}
        and {{ tickets_last }} >= {{ var('ticket_rise_min_ratio') }} * {{ tickets_prior }}
    )
{%- endmacro %}

{% macro flag_nps_drop(nps_latest, nps_previous) -%}
    coalesce({{ nps_previous }} - {{ nps_latest }} >= {{ var('nps_drop_min_points') }}, false)
{%- endmacro %}
