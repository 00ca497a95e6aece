{#- The one definition of "running": a subscription runs on day d when it
    started on or before d and has not ended by d (ended_on is the first day
    it no longer runs; null while active). -#}
{% macro subscription_runs_on(subscription_alias, day_expression) -%}
    {{ subscription_alias }}.started_on <= {{ day_expression }}
    and (
        {{ subscription_alias }}.ended_on is null
        or {{ subscription_alias }}.ended_on > {{ day_expression }}
    )
{%- endmacro %}
