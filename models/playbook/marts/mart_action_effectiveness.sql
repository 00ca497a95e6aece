{#- What each action is worth: one row per work item (or 'all'), activity
    kind that answers it and horizon. Among eligible, scored items
    (int_action_effect_items, which says what those are), the share that
    churned within the horizon after the landmark, for items that got the
    action (acted) against untouched items (control), compared within
    look-alike groups (stratum_key: work item, risk level, value tier, churn
    signal, CSM owner on the day the item appeared).
      - Two outcomes per item, compared the same way: churned (1 or 0) and
        the share of its MRR retained (mrr_retained_rate, 0..1; items
        without MRR at the landmark are left out of that one).
      - Pooled difference (a stratified difference of means with
        Mantel-Haenszel weights; for churn the Mantel-Haenszel risk
        difference): each group's acted mean minus control mean, weighted by
        w = acted items x control items / (acted + control items). A group
        with nobody in one arm gets weight 0: it has no look-alikes.
      - Its interval: Wald, with the variance summed over accounts, not
        items (an account with three overlapping items is one unit of
        evidence). Each item's share of the estimate is
        w (outcome - acted mean) / acted items / W (acted) or
        -w (outcome - control mean) / control items / W (control); the
        variance is the sum over accounts of the square of their items' sum.
      - Odds ratio (Mantel-Haenszel) with the Robins-Breslow-Greenland
        interval on its log; that interval treats items as independent.
        Null when no group has a churned acted item and an untouched one
        that stayed, or the reverse (the ratio is then 0 or infinite).
      - Estimates are rounded to 6 decimals: sums of doubles can differ in
        their last bits from run to run (the order of a parallel sum), and
        a rebuild should give the same table.
      - comparison_warning, the first that applies: no_outcome_yet (no
        group has both arms), too_few_accounts, too_few_churns,
        groups_not_comparable (see the column docs and the effect_* vars).
    Empty when no CS activity is recorded. -#}

{%- set z_value = growth_normal_quantile('1.0 - ' ~ var('effect_alpha') ~ ' / 2.0') -%}
{#- A comparison is one work item, activity kind and horizon (the grain of
    the mart); each is estimated for two outcomes. -#}
{%- set comparison_grain = ['work_item', 'activity_kind', 'horizon_days'] -%}
{%- set outcome_grain = comparison_grain + ['outcome'] -%}

with effect_items as (

    select * from {{ ref('int_action_effect_items') }}

),

activity_answers as (

    select * from {{ ref('playbook_activity_answers') }}
    where rules_version = '{{ var("playbook_rules_version") }}'

),

activities as (

    select * from {{ ref('fct_cs_activities') }}

),

horizons as (

    {{ integer_rows(var('action_effect_horizons_days'), 'horizon_days') }}

),

comparisons as (

    select
        answer_pairs.work_item,
        answer_pairs.activity_kind,
        horizons.horizon_days
    from (
        select
            work_item,
            activity_kind
        from activity_answers
        union
        select
            'all' as work_item,
            activity_kind
        from activity_answers
    ) as answer_pairs
    cross join horizons
    where exists (select 1 from activities)

),

compared_items as (

    select *
    from effect_items
    where is_acted or is_control

),

item_outcomes as (

    select
        work_item,
        activity_kind,
        horizon_days,
        stratum_key,
        account_id,
        is_acted,
        'churn' as outcome,
        case when is_churned then 1.0 else 0.0 end as outcome_value
    from compared_items
    union all
    select
        work_item,
        activity_kind,
        horizon_days,
        stratum_key,
        account_id,
        is_acted,
        'mrr_retained' as outcome,
        mrr_retained_rate as outcome_value
    from compared_items
    where mrr_retained_rate is not null

),

outcome_strata as (

    select
        work_item,
        activity_kind,
        horizon_days,
        outcome,
        stratum_key,
        sum(case when is_acted then 1 else 0 end) as acted_items,
        sum(case when is_acted then 0 else 1 end) as control_items,
        avg(case when is_acted then outcome_value end) as acted_mean,
        avg(case when not is_acted then outcome_value end) as control_mean
    from item_outcomes
    group by work_item, activity_kind, horizon_days, outcome, stratum_key

),

weighted_outcome_strata as (

    select
        *,
        cast(acted_items as double) * control_items / (acted_items + control_items) as stratum_weight
    from outcome_strata
    where acted_items > 0 and control_items > 0

),

outcome_pooled as (

    select
        work_item,
        activity_kind,
        horizon_days,
        outcome,
        sum(acted_items) as compared_acted_items,
        sum(control_items) as compared_control_items,
        sum(stratum_weight) as total_weight,
        sum(stratum_weight * acted_mean) / sum(stratum_weight) as acted_mean,
        sum(stratum_weight * control_mean) / sum(stratum_weight) as control_mean,
        sum(stratum_weight * (acted_mean - control_mean)) / sum(stratum_weight) as mean_difference
    from weighted_outcome_strata
    group by work_item, activity_kind, horizon_days, outcome

),

item_influence as (

    select
        item_outcomes.work_item,
        item_outcomes.activity_kind,
        item_outcomes.horizon_days,
        item_outcomes.outcome,
        item_outcomes.account_id,
        case
            when item_outcomes.is_acted
                then weighted_outcome_strata.stratum_weight
                * (item_outcomes.outcome_value - weighted_outcome_strata.acted_mean)
                / weighted_outcome_strata.acted_items
            else -weighted_outcome_strata.stratum_weight
                * (item_outcomes.outcome_value - weighted_outcome_strata.control_mean)
                / weighted_outcome_strata.control_items
        end / outcome_pooled.total_weight as influence
    from item_outcomes
    inner join weighted_outcome_strata
        on {{ columns_match('item_outcomes', 'weighted_outcome_strata', outcome_grain + ['stratum_key']) }}
    inner join outcome_pooled
        on {{ columns_match('item_outcomes', 'outcome_pooled', outcome_grain) }}

),

account_influence as (

    select
        work_item,
        activity_kind,
        horizon_days,
        outcome,
        account_id,
        sum(influence) as influence
    from item_influence
    group by work_item, activity_kind, horizon_days, outcome, account_id

),

outcome_variance as (

    select
        work_item,
        activity_kind,
        horizon_days,
        outcome,
        sum(influence * influence) as difference_variance
    from account_influence
    group by work_item, activity_kind, horizon_days, outcome

),

outcome_estimates as (

    select
        outcome_pooled.*,
        {{ z_value }} * sqrt(outcome_variance.difference_variance) as difference_margin
    from outcome_pooled
    inner join outcome_variance
        on {{ columns_match('outcome_pooled', 'outcome_variance', outcome_grain) }}

),

strata as (

    select
        work_item,
        activity_kind,
        horizon_days,
        stratum_key,
        sum(case when is_acted then 1 else 0 end) as acted_items,
        sum(case when is_control then 1 else 0 end) as control_items,
        sum(case when is_acted and is_churned then 1 else 0 end) as acted_churned,
        sum(case when is_control and is_churned then 1 else 0 end) as control_churned,
        avg(case when is_acted then health_score end) as acted_health_score,
        avg(case when is_control then health_score end) as control_health_score
    from compared_items
    group by work_item, activity_kind, horizon_days, stratum_key

),

weighted_strata as (

    select
        *,
        cast(acted_items as double) * control_items / (acted_items + control_items) as stratum_weight,
        acted_items + control_items as stratum_items
    from strata
    where acted_items > 0 and control_items > 0

),

pooled as (

    select
        work_item,
        activity_kind,
        horizon_days,
        count(*) as compared_stratum_count,
        sum(acted_items) as compared_acted_items,
        sum(acted_churned) as acted_churned_count,
        sum(control_churned) as control_churned_count,
        sum(stratum_weight * (acted_health_score - control_health_score))
        / nullif(sum(case when acted_health_score is not null and control_health_score is not null
            then stratum_weight end), 0) as health_score_difference,
        {#- Mantel-Haenszel odds ratio R / S, and the Robins-Breslow-Greenland
            sums: per group P = (a + d) / n, Q = (b + c) / n, R = a d / n,
            S = b c / n, with a / b the acted churned / stayed and c / d the
            untouched churned / stayed. #}
        sum(cast(acted_churned as double) * (control_items - control_churned) / stratum_items) as mh_r,
        sum(cast(acted_items - acted_churned as double) * control_churned / stratum_items) as mh_s,
        sum(
            cast(acted_churned + control_items - control_churned as double) / stratum_items
            * acted_churned * (control_items - control_churned) / stratum_items
        ) as rbg_pr,
        sum(
            cast(acted_churned + control_items - control_churned as double) / stratum_items
            * (acted_items - acted_churned) * control_churned / stratum_items
            + cast(acted_items - acted_churned + control_churned as double) / stratum_items
            * acted_churned * (control_items - control_churned) / stratum_items
        ) as rbg_ps_qr,
        sum(
            cast(acted_items - acted_churned + control_churned as double) / stratum_items
            * (acted_items - acted_churned) * control_churned / stratum_items
        ) as rbg_qs
    from weighted_strata
    group by work_item, activity_kind, horizon_days

),

item_counts as (

    select
        work_item,
        activity_kind,
        horizon_days,
        count(*) as eligible_item_count,
        sum(case when is_acted then 1 else 0 end) as acted_item_count,
        sum(case when is_control then 1 else 0 end) as control_item_count,
        count(distinct case when is_acted then account_id end) as acted_account_count,
        count(distinct case when is_control then account_id end) as control_account_count,
        stddev_samp(health_score) as health_score_sd
    from effect_items
    group by work_item, activity_kind, horizon_days

),

estimates as (

    select
        comparisons.work_item,
        comparisons.activity_kind,
        comparisons.horizon_days,
        coalesce(item_counts.eligible_item_count, 0) as eligible_item_count,
        coalesce(item_counts.acted_item_count, 0) as acted_item_count,
        coalesce(item_counts.control_item_count, 0) as control_item_count,
        coalesce(item_counts.acted_account_count, 0) as acted_account_count,
        coalesce(item_counts.control_account_count, 0) as control_account_count,
        coalesce(pooled.compared_stratum_count, 0) as compared_stratum_count,
        cast(pooled.compared_acted_items as double) / nullif(item_counts.acted_item_count, 0)
            as acted_compared_share,
        coalesce(pooled.acted_churned_count, 0) as acted_churned_count,
        coalesce(pooled.control_churned_count, 0) as control_churned_count,
        churn_estimates.acted_mean as acted_churn_rate,
        churn_estimates.control_mean as control_churn_rate,
        churn_estimates.mean_difference as churn_rate_difference,
        churn_estimates.difference_margin,
        coalesce(mrr_estimates.compared_acted_items, 0) as acted_mrr_item_count,
        coalesce(mrr_estimates.compared_control_items, 0) as control_mrr_item_count,
        mrr_estimates.acted_mean as acted_mrr_retained_rate,
        mrr_estimates.control_mean as control_mrr_retained_rate,
        mrr_estimates.mean_difference as mrr_retained_rate_difference,
        mrr_estimates.difference_margin as mrr_difference_margin,
        case when pooled.mh_r > 0 and pooled.mh_s > 0 then pooled.mh_r / pooled.mh_s end as odds_ratio,
        case when pooled.mh_r > 0 and pooled.mh_s > 0 then
            {{ z_value }} * sqrt(
                pooled.rbg_pr / (2 * pooled.mh_r * pooled.mh_r)
                + pooled.rbg_ps_qr / (2 * pooled.mh_r * pooled.mh_s)
                + pooled.rbg_qs / (2 * pooled.mh_s * pooled.mh_s)
            )
        end as log_odds_ratio_margin,
        pooled.health_score_difference / nullif(item_counts.health_score_sd, 0)
            as health_score_standardized_difference
    from comparisons
    left join item_counts
        on {{ columns_match('comparisons', 'item_counts', comparison_grain) }}
    left join pooled
        on {{ columns_match('comparisons', 'pooled', comparison_grain) }}
    left join outcome_estimates as churn_estimates
        on {{ columns_match('comparisons', 'churn_estimates', comparison_grain) }}
        and churn_estimates.outcome = 'churn'
    left join outcome_estimates as mrr_estimates
        on {{ columns_match('comparisons', 'mrr_estimates', comparison_grain) }}
        and mrr_estimates.outcome = 'mrr_retained'

),

final as (

    select
        work_item,
        activity_kind,
        horizon_days,
        cast({{ var('action_window_days') }} as integer) as action_window_days,
        cast(eligible_item_count as bigint) as eligible_item_count,
        cast(acted_item_count as bigint) as acted_item_count,
        cast(control_item_count as bigint) as control_item_count,
        cast(acted_account_count as bigint) as acted_account_count,
        cast(control_account_count as bigint) as control_account_count,
        cast(compared_stratum_count as bigint) as compared_stratum_count,
        {{ round_double('acted_compared_share', 6) }} as acted_compared_share,
        cast(acted_churned_count as bigint) as acted_churned_count,
        cast(control_churned_count as bigint) as control_churned_count,
        {{ round_double('acted_churn_rate', 6) }} as acted_churn_rate,
        {{ round_double('control_churn_rate', 6) }} as control_churn_rate,
        {{ round_double('churn_rate_difference', 6) }} as churn_rate_difference,
        {{ round_double('churn_rate_difference - difference_margin', 6) }} as churn_rate_difference_low,
        {{ round_double('churn_rate_difference + difference_margin', 6) }} as churn_rate_difference_high,
        coalesce(
            churn_rate_difference + difference_margin < 0 or churn_rate_difference - difference_margin > 0,
            false
        ) as is_difference_significant,
        {{ round_double('odds_ratio', 6) }} as odds_ratio,
        {{ round_double('exp(ln(odds_ratio) - log_odds_ratio_margin)', 6) }} as odds_ratio_low,
        {{ round_double('exp(ln(odds_ratio) + log_odds_ratio_margin)', 6) }} as odds_ratio_high,
        cast(acted_mrr_item_count as bigint) as acted_mrr_item_count,
        cast(control_mrr_item_count as bigint) as control_mrr_item_count,
        {{ round_double('acted_mrr_retained_rate', 6) }} as acted_mrr_retained_rate,
        {{ round_double('control_mrr_retained_rate', 6) }} as control_mrr_retained_rate,
        {{ round_double('mrr_retained_rate_difference', 6) }} as mrr_retained_rate_difference,
        {{ round_double('mrr_retained_rate_difference - mrr_difference_margin', 6) }} as mrr_retained_rate_difference_low,
        {{ round_double('mrr_retained_rate_difference + mrr_difference_margin', 6) }} as mrr_retained_rate_difference_high,
        {{ round_double('health_score_standardized_difference', 6) }} as health_score_standardized_difference,
        case
            when compared_stratum_count = 0 then 'no_outcome_yet'
            when acted_account_count < {{ var('effect_min_accounts') }}
                or control_account_count < {{ var('effect_min_accounts') }}
                then 'too_few_accounts'
            when acted_churned_count < {{ var('effect_min_churned_items') }}
                or control_churned_count < {{ var('effect_min_churned_items') }}
                then 'too_few_churns'
            when acted_compared_share < {{ var('effect_min_compared_share') }}
                or abs(health_score_standardized_difference) > {{ var('effect_max_standardized_difference') }}
                then 'groups_not_comparable'
        end as comparison_warning,
        cast(1.0 - {{ var('effect_alpha') }} as double) as ci_level,
        {{ as_of_date() }} as as_of_date
    from estimates

)

select * from final
