{#- Next best actions per account at the as-of date: one row per account and
    action that the playbook rules (seeds/playbook_rules.csv, the version in
    the var playbook_rules_version) fire today.
    Matching: a rule fires for an account when each of lifecycle_stage,
    value_tier and industry equals the account's or is '*' (any), and its
    signal (a named boolean of int_playbook_account_signals, macro
    playbook_signals) is true for the account; signal '*' needs no signal.
    One row per account and action: of the rules that fire the same action,
    the one with the lowest priority number wins, ties broken by the lower
    rule_id. action_rank orders an account's actions the same way (1 = do
    first). Accounts no rule fires for have no rows.
      reason   the winning rule's signal in words, from the account's own
               numbers ("health score 32.5 (high risk); no login for 34 days;
               tickets 5 vs 1 the month before")
      owner_id the account's CSM (csm_owner_id; 'unassigned' when it has
               none) for owner_kind csm, 'automated' for owner_kind automated
      due_on   the signal's own due day when it has one (check-in or usage
               report cycle day, the day the trial offer window closes), else
               the as-of date + the rule's due_in_days -#}

{%- set signals = playbook_signals() -%}

with account_signals as (

    select * from {{ ref('int_playbook_account_signals') }}

),

rules as (

    select * from {{ ref('playbook_rules') }}

),

current_rules as (

    select *
    from rules
    where rules_version = '{{ var("playbook_rules_version") }}'

),

fired_signals as (

    select
        account_id,
        '*' as signal,
        {{ dbt.concat([
            "'lifecycle stage '", "lifecycle_stage", "', value tier '", "coalesce(value_tier, 'none')",
            "', industry '", "coalesce(industry, 'unknown')",
        ]) }} as reason,
        cast(null as date) as signal_due_on
    from account_signals
    {% for signal in signals %}
    union all
    select
        account_id,
        '{{ signal.name }}' as signal,
        {{ signal.reason }} as reason,
        cast({{ signal.due_on }} as date) as signal_due_on
    from account_signals
    where {{ signal.name }}
    {%- endfor %}

),

matches as (

    select
        account_signals.account_id,
        account_signals.lifecycle_stage,
        account_signals.value_tier,
        account_signals.industry,
        account_signals.csm_owner_id,
        current_rules.rule_id,
        current_rules.rules_version,
        current_rules.priority,
        current_rules.signal,
        current_rules.action,
        current_rules.owner_kind,
        current_rules.due_in_days,
        fired_signals.reason,
        fired_signals.signal_due_on
    from account_signals
    inner join fired_signals on account_signals.account_id = fired_signals.account_id
    inner join current_rules
        on fired_signals.signal = current_rules.signal
        and (
            current_rules.lifecycle_stage = '*'
            or account_signals.lifecycle_stage = current_rules.lifecycle_stage
        )
        and (
            current_rules.value_tier = '*'
            or account_signals.value_tier = current_rules.value_tier
        )
        and (
            current_rules.industry = '*'
            or account_signals.industry = current_rules.industry
        )

),

winning_rules as (

    select
        *,
        row_number() over (
            partition by account_id, action
            order by priority, rule_id
        ) as rule_rank
    from matches

),

final as (

    select
        {{ as_of_date() }} as as_of_date,
        account_id,
        action,
        cast(row_number() over (partition by account_id order by priority, rule_id) as integer) as action_rank,
        rule_id,
        rules_version,
        cast(priority as integer) as priority,
        signal,
        lifecycle_stage,
        value_tier,
        industry,
        owner_kind,
        case
            when owner_kind = 'automated' then 'automated'
            else coalesce(csm_owner_id, 'unassigned')
        end as owner_id,
        coalesce(
            signal_due_on,
            cast({{ dbt.dateadd('day', 'due_in_days', as_of_date()) }} as date)
        ) as due_on,
        reason
    from winning_rules
    where rule_rank = 1

)

select * from final
