{#- The items behind mart_action_effectiveness: one row per worklist item
    (int_worklist_item_history), activity kind that answers its work item
    (seeds/playbook_activity_answers.csv) and horizon
    (action_effect_horizons_days), for items whose outcome is known.
    The landmark: landmark_on = appeared_on + action_window_days.
      - eligible: the account has no churn event (int_account_churn_events)
        in (appeared_on, landmark_on]. An account that leaves before anyone
        could act is left out; counting it as "not acted, churned" would make
        acting look useful when it is not.
      - scored: landmark_on + horizon_days is on or before the as-of date.
      - is_acted: an activity of this kind answered the account in
        [appeared_on, landmark_on) (by a person when the seed says needs_csm).
      - is_control: no activity of any kind on the account in that window
        (untouched). Items that got only another kind are neither: they would
        carry that kind's effect into the comparison.
      - is_churned: a churn event in (landmark_on, landmark_on + horizon_days].
      - mrr_retained_rate: the share (0..1) of the account's MRR at the
        landmark still there at landmark_on + horizon_days (the MRR of the
        subscriptions running on each day, constant currency; growth is not
        counted, so 1 means nothing was lost). Null when the account had no
        MRR at the landmark.
    The look-alike group (stratum_key) is made of what was known when the
    item appeared: work item, risk level, value tier, churn signal (any
    health flag) and whether the account had a CSM owner; risk level, flags
    and health score come from the latest health-grid row in the week up to
    appeared_on ('unknown' when there is none, e.g. before the first
    payment). Each item is there twice: under its own work item and under
    work_item 'all' (the work item is then part of the stratum), for "what a
    check-in is worth, whatever prompted it". -#}

{%- set action_window_days = var('action_window_days') -%}

with worklist_items as (

    select * from {{ ref('int_worklist_item_history') }}

),

activity_answers as (

    select * from {{ ref('playbook_activity_answers') }}
    where rules_version = '{{ var("playbook_rules_version") }}'

),

activities as (

    select * from {{ ref('fct_cs_activities') }}

),

churn_events as (

    select * from {{ ref('int_account_churn_events') }}

),

subscriptions as (

    select * from {{ ref('int_subscriptions_constant_currency') }}

),

account_health as (

    select * from {{ ref('fct_account_health') }}

),

horizons as (

    {{ integer_rows(var('action_effect_horizons_days'), 'horizon_days') }}

),

landmarks as (

    select
        worklist_item_id,
        account_id,
        work_item,
        appeared_on,
        value_tier,
        csm_owner_id is not null as has_csm_owner,
        cast({{ dbt.dateadd('day', action_window_days, 'appeared_on') }} as date) as landmark_on
    from worklist_items

),

eligible_items as (

    select landmarks.*
    from landmarks
    where not exists (
        select 1
        from churn_events
        where churn_events.account_id = landmarks.account_id
            and churn_events.churned_on > landmarks.appeared_on
            and churn_events.churned_on <= landmarks.landmark_on
    )

),

health_on_appearance as (

    select
        eligible_items.worklist_item_id,
        account_health.risk_level,
        account_health.flag_count > 0 as has_churn_flag,
        account_health.health_score,
        row_number() over (
            partition by eligible_items.worklist_item_id order by account_health.as_of_date desc
        ) as health_recency
    from eligible_items
    inner join account_health
        on eligible_items.account_id = account_health.account_id
        and eligible_items.appeared_on >= account_health.as_of_date
        and account_health.as_of_date > cast({{ dbt.dateadd('day', -7, 'eligible_items.appeared_on') }} as date)

),

described_items as (

    select
        eligible_items.*,
        coalesce(health_on_appearance.risk_level, 'unknown') as risk_level,
        coalesce(health_on_appearance.has_churn_flag, false) as has_churn_flag,
        health_on_appearance.health_score
    from eligible_items
    left join health_on_appearance
        on eligible_items.worklist_item_id = health_on_appearance.worklist_item_id
        and health_on_appearance.health_recency = 1

),

window_activities as (

    select
        described_items.worklist_item_id,
        activities.activity_kind,
        activities.is_automated
    from described_items
    inner join activities
        on described_items.account_id = activities.account_id
        and described_items.appeared_on <= activities.performed_on
        and described_items.landmark_on > activities.performed_on

),

scored_items as (

    select
        described_items.*,
        activity_answers.activity_kind,
        activity_answers.needs_csm,
        horizons.horizon_days,
        exists(
            select 1
            from churn_events
            where churn_events.account_id = described_items.account_id
                and churn_events.churned_on > described_items.landmark_on
                and churn_events.churned_on
                    <= cast({{ dbt.dateadd('day', 'horizons.horizon_days', 'described_items.landmark_on') }} as date)
        ) as is_churned,
        (
            select coalesce(sum(subscriptions.mrr_amount), 0)
            from subscriptions
            where subscriptions.account_id = described_items.account_id
                and {{ subscription_runs_on('subscriptions', 'described_items.landmark_on') }}
        ) as mrr_at_landmark_amount,
        (
            select coalesce(sum(subscriptions.mrr_amount), 0)
            from subscriptions
            where subscriptions.account_id = described_items.account_id
                and {{ subscription_runs_on(
                    'subscriptions',
                    'cast(' ~ dbt.dateadd('day', 'horizons.horizon_days', 'described_items.landmark_on') ~ ' as date)'
                ) }}
        ) as mrr_at_horizon_amount
    from described_items
    inner join activity_answers
        on described_items.work_item = activity_answers.work_item
    cross join horizons
    where cast({{ dbt.dateadd('day', 'horizons.horizon_days', 'described_items.landmark_on') }} as date)
        <= {{ as_of_date() }}

),

classified_items as (

    select
        scored_items.*,
        exists(
            select 1
            from window_activities
            where window_activities.worklist_item_id = scored_items.worklist_item_id
                and window_activities.activity_kind = scored_items.activity_kind
                and (not scored_items.needs_csm or not window_activities.is_automated)
        ) as is_acted,
        not exists (
            select 1
            from window_activities
            where window_activities.worklist_item_id = scored_items.worklist_item_id
        ) as is_control
    from scored_items

),

final as (

    {% for pooled in [false, true] -%}
    select
        {% if pooled %}'all' as work_item{% else %}work_item{% endif %},
        activity_kind,
        horizon_days,
        worklist_item_id,
        account_id,
        appeared_on,
        landmark_on,
        {{ dbt.concat([
            'work_item' if pooled else "''", "'|'", 'risk_level', "'|'",
            "coalesce(value_tier, 'unknown')", "'|'",
            "case when has_churn_flag then 'flag' else 'no_flag' end", "'|'",
            "case when has_csm_owner then 'csm' else 'no_csm' end",
        ]) }} as stratum_key,
        risk_level,
        value_tier,
        has_churn_flag,
        has_csm_owner,
        health_score,
        is_acted,
        is_control,
        is_churned,
        mrr_at_landmark_amount,
        mrr_at_horizon_amount,
        least(mrr_at_horizon_amount, mrr_at_landmark_amount)
        / nullif(mrr_at_landmark_amount, 0) as mrr_retained_rate
    from classified_items
    {%- if not loop.last %}
    union all
    {% endif -%}
    {%- endfor %}

)

select * from final
