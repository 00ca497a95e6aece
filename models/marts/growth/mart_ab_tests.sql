{#- E-mail experiments (playbook section 5: "case-study e-mails convert 15 %
    better than promotional e-mails"), one row per experiment and variant.
    The unit is the send: sends dated on or before the as-of date, and the
    opens, clicks and conversions (the e-mail's own call to action) that
    happened by then. The variant named 'control' is the baseline; an
    experiment without one has no comparisons.
      conversion_rate     conversions / sends (null without sends)
      lift_vs_control     conversion_rate / control's - 1 (relative: 0.15 =
                          converts 15 % better); null for the control itself
      conversion_rate_difference  conversion_rate - control's (absolute)
      p_value             two-sided two-proportion z-test of the variant
                          against the control with the pooled rate; the
                          normal CDF is the growth_normal_cdf macro (error
                          below 1.5e-7, checked against scipy)
      ci_lower / ci_upper confidence interval of the difference at the level
                          confidence_level = 1 - ab_test_alpha (95 % at the
                          default 0.05), so the interval and the test agree:
                          z = Phi^-1(1 - alpha / 2) (growth_normal_quantile),
                          with the unpooled standard error (Wald)
      is_significant      p_value < ab_test_alpha
      srm_p_value         sample-ratio-mismatch check, one per experiment (the
                          same on each of its rows): a chi-square
                          goodness-of-fit test of the sends of all the
                          experiment's variants against the intended split,
                          sum over variants of (sends - expected)^2 /
                          expected, with (variants - 1) degrees of freedom
                          (growth_chi_square_p_value). The intended split is
                          seeds/experiment_intended_splits.csv when it lists
                          the experiment (a variant it does not list was
                          meant to get nothing, so any send to it is a
                          mismatch; a listed variant without sends still
                          counts), else an equal split between the variants
                          that sent. has_sample_ratio_mismatch when it is
                          below ab_test_srm_alpha, and then the result
                          should not be trusted
    Several sends to one lead are treated as independent trials; this
    understates the variance a little when a lead's sends are alike. -#}

{%- set ci_level = "(1.0 - " ~ var('ab_test_alpha') ~ ")" %}

with email_sends as (

    select * from {{ ref('stg_marketing__email_sends') }}

),

intended_splits as (

    select * from {{ ref('experiment_intended_splits') }}

),

visible_sends as (

    select
        experiment_id,
        variant,
        case when opened_at is not null and {{ is_visible_at_as_of('opened_at') }}
            then 1 else 0 end as is_opened,
        case when clicked_at is not null and {{ is_visible_at_as_of('clicked_at') }}
            then 1 else 0 end as is_clicked,
        case when converted_at is not null and {{ is_visible_at_as_of('converted_at') }}
            then 1 else 0 end as is_converted
    from email_sends
    where experiment_id is not null
        and variant is not null
        and {{ is_visible_at_as_of('sent_at') }}

),

variant_counts as (

    select
        experiment_id,
        variant,
        count(*) as sends,
        sum(is_opened) as opens,
        sum(is_clicked) as clicks,
        sum(is_converted) as conversions
    from visible_sends
    group by experiment_id, variant

),

experiment_counts as (

    select
        experiment_id,
        sum(sends) as experiment_sends,
        count(*) as variant_count
    from variant_counts
    group by experiment_id

),

split_experiments as (

    select distinct experiment_id from intended_splits

),

-- Every variant of the intended split: the seed's variants for an experiment
-- it lists (also those without sends), else the variants that sent, equally.
split_variants as (

    select
        intended_splits.experiment_id,
        intended_splits.variant,
        intended_splits.intended_share
    from intended_splits
    inner join experiment_counts
        on intended_splits.experiment_id = experiment_counts.experiment_id
    union all
    select
        variant_counts.experiment_id,
        variant_counts.variant,
        1.0 / experiment_counts.variant_count as intended_share
    from variant_counts
    inner join experiment_counts
        on variant_counts.experiment_id = experiment_counts.experiment_id
    left join split_experiments
        on variant_counts.experiment_id = split_experiments.experiment_id
    where split_experiments.experiment_id is null

),

-- A variant that sent but is not in its experiment's listed split was meant
-- to get no sends.
split_cells as (

    select
        coalesce(split_variants.experiment_id, variant_counts.experiment_id) as experiment_id,
        coalesce(split_variants.variant, variant_counts.variant) as variant,
        coalesce(split_variants.intended_share, 0) as intended_share,
        coalesce(variant_counts.sends, 0) as sends
    from split_variants
    full outer join variant_counts
        on split_variants.experiment_id = variant_counts.experiment_id
        and split_variants.variant = variant_counts.variant

),

sample_ratio_tests as (

    select
        split_cells.experiment_id,
        count(*) - 1 as srm_degrees_of_freedom,
        case
            -- Sends to a variant meant to get none: the split is broken.
            when max(case when split_cells.intended_share = 0 and split_cells.sends > 0 then 1 else 0 end) = 1
                then cast('infinity' as double)
            else sum(
                case when split_cells.intended_share > 0 then
                    power(
                        split_cells.sends - split_cells.intended_share * experiment_counts.experiment_sends, 2
                    ) / (split_cells.intended_share * experiment_counts.experiment_sends)
                else 0 end
            )
        end as srm_chi_square
    from split_cells
    inner join experiment_counts
        on split_cells.experiment_id = experiment_counts.experiment_id
    group by split_cells.experiment_id

),

compared as (

    select
        variant_counts.*,
        experiment_counts.experiment_sends,
        experiment_counts.variant_count,
        split_cells.intended_share,
        sample_ratio_tests.srm_chi_square,
        sample_ratio_tests.srm_degrees_of_freedom,
        control.sends as control_sends,
        control.conversions as control_conversions,
        cast(variant_counts.conversions as double) / variant_counts.sends as conversion_rate,
        cast(control.conversions as double) / control.sends as control_conversion_rate,
        variant_counts.variant = 'control' as is_control
    from variant_counts
    inner join experiment_counts
        on variant_counts.experiment_id = experiment_counts.experiment_id
    inner join split_cells
        on variant_counts.experiment_id = split_cells.experiment_id
        and variant_counts.variant = split_cells.variant
    inner join sample_ratio_tests
        on variant_counts.experiment_id = sample_ratio_tests.experiment_id
    left join variant_counts as control
        on variant_counts.experiment_id = control.experiment_id
        and control.variant = 'control'

),

statistics as (

    select
        *,
        case when not is_control then
            {{ growth_two_proportion_z(
                'control_conversions', 'control_sends', 'conversions', 'sends'
            ) }}
        end as z_score,
        case when not is_control then
            sqrt(
                conversion_rate * (1.0 - conversion_rate) / sends
                + control_conversion_rate * (1.0 - control_conversion_rate) / control_sends
            )
        end as difference_standard_error,
        {{ growth_normal_quantile('1.0 - ' ~ var('ab_test_alpha') ~ ' / 2.0') }} as ci_z,
        {{ growth_chi_square_p_value('srm_chi_square', 'srm_degrees_of_freedom') }} as srm_p_value
    from compared

),

final as (

    select
        experiment_id,
        variant,
        is_control,
        cast(sends as integer) as sends,
        cast(opens as integer) as opens,
        cast(clicks as integer) as clicks,
        cast(conversions as integer) as conversions,
        cast(opens as double) / sends as open_rate,
        cast(clicks as double) / sends as click_rate,
        conversion_rate,
        control_conversion_rate,
        case when not is_control and control_conversion_rate > 0
            then conversion_rate / control_conversion_rate - 1.0 end as lift_vs_control,
        case when not is_control
            then conversion_rate - control_conversion_rate end as conversion_rate_difference,
        z_score,
        {{ growth_two_sided_p_value('z_score') }} as p_value,
        conversion_rate - control_conversion_rate - ci_z * difference_standard_error
            as ci_lower,
        conversion_rate - control_conversion_rate + ci_z * difference_standard_error
            as ci_upper,
        coalesce({{ growth_two_sided_p_value("z_score") }} < {{ var("ab_test_alpha") }}, false)
            as is_significant,
        cast(sends as double) / experiment_sends as share_of_sends,
        srm_p_value,
        srm_p_value < {{ var('ab_test_srm_alpha') }} as has_sample_ratio_mismatch,
        cast({{ ci_level }} as double) as confidence_level,
        cast(intended_share as double) as intended_share_of_sends,
        cast(srm_chi_square as double) as srm_chi_square
    from statistics

)

select * from final
