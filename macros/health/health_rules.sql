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
            then round(100.0 * ({{ promoters }} - {{ detractors }}) / {{ responses }}, 2)
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


{#- The playbook's three churn-warning flags, one definition each.
    no login:    no login for at least churn_no_login_days days (a login on
                 D - 30 and none since is 30 days: flagged at the default);
                 an account with no login on record at all is flagged too.
    ticket rise: at least ticket_rise_min_tickets tickets in the last 30 days
                 and at least ticket_rise_min_ratio times the 30 days before
                 (2 then 2 is a tie, not a rise; 0 before counts as a rise).
    NPS drop:    the latest response at least nps_drop_min_points below the
                 previous one (the two latest responses from anyone at the
                 account); false with fewer than two responses. -#}
{% macro flag_no_login(days_since_last_login) -%}
    coalesce({{ days_since_last_login }} >= {{ var('churn_no_login_days') }}, true)
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
