{#- The named boolean signals of int_playbook_account_signals a playbook rule
    can ask for (seeds/playbook_rules.csv, column signal; '*' = any), each
    with the reason written from the account's own numbers and the signal's
    own due day (null = as-of date + the rule's due_in_days). The churn
    warnings (is_high_risk, has_churn_flag) give the account's health in the
    words every mart shares (health_reason, from
    int_playbook_health_reasons). -#}
{% macro playbook_signals() -%}
    {%- set text = dbt.type_string() -%}
    {%- do return([
        {
            'name': 'is_high_risk',
            'reason': 'health_reason',
            'due_on': 'null',
        },
        {
            'name': 'has_churn_flag',
            'reason': 'health_reason',
            'due_on': 'null',
        },
        {
            'name': 'has_trial_signal',
            'reason': dbt.concat([
                "'trial of '", "trial_module", "': '",
                "cast(trial_max_consecutive_login_days as " ~ text ~ ")", "' login days in a row, '",
                "cast(trial_core_feature_uses as " ~ text ~ ")", "' core-feature uses; offer window closes '",
                "cast(trial_offer_closes_on as " ~ text ~ ")",
            ]),
            'due_on': 'trial_offer_closes_on',
        },
        {
            'name': 'has_open_trial',
            'reason': dbt.concat([
                "'trial of '", "trial_module", "' since '", "cast(trial_started_on as " ~ text ~ ")", "': '",
                "cast(trial_max_consecutive_login_days as " ~ text ~ ")", "' login days in a row, '",
                "cast(trial_core_feature_uses as " ~ text ~ ")", "' core-feature uses'",
            ]),
            'due_on': 'null',
        },
        {
            'name': 'has_open_trial_without_signal',
            'reason': dbt.concat([
                "'trial of '", "trial_module", "' since '", "cast(trial_started_on as " ~ text ~ ")", "': '",
                "cast(trial_max_consecutive_login_days as " ~ text ~ ")", "' login days in a row (signal: "
                    ~ var('trial_signal_consecutive_login_days') ~ "), '",
                "cast(trial_core_feature_uses as " ~ text ~ ")", "' core-feature uses (signal: "
                    ~ var('trial_signal_core_feature_uses') ~ ")'",
            ]),
            'due_on': 'null',
        },
        {
            'name': 'is_missing_decision_maker',
            'reason': dbt.concat([
                "'no decision-maker contact among '", "cast(contact_count as " ~ text ~ ")", "' contacts'",
            ]),
            'due_on': 'null',
        },
        {
            'name': 'is_checkin_due',
            'reason': dbt.concat(["'monthly CSM check-in due on '", "cast(checkin_due_on as " ~ text ~ ")"]),
            'due_on': 'checkin_due_on',
        },
        {
            'name': 'is_usage_report_due',
            'reason': dbt.concat(["'monthly usage report due on '", "cast(usage_report_due_on as " ~ text ~ ")"]),
            'due_on': 'usage_report_due_on',
        },
        {
            'name': 'is_upsell_candidate',
            'reason': dbt.concat([
                "'next best module '", "next_best_module", "' (buyers of '", "driver_module", "'): propensity '",
                "cast(cast(round(100 * next_best_module_propensity, 0) as integer) as " ~ text ~ ")", "' %'",
            ]),
            'due_on': 'null',
        },
        {
            'name': 'is_loyal_not_referring',
            'reason': dbt.concat([
                "'latest NPS score '", "cast(nps_latest as " ~ text ~ ")",
                "' of 10; no referred lead in the last " ~ var('loyal_referral_window_days') ~ " days'",
            ]),
            'due_on': 'null',
        },
    ]) -%}
{%- endmacro %}
