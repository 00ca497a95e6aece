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
      ci_lower / ci_upper 95 % confidence interval of the difference, with the
                          unpooled standard error (Wald)
      is_significant      p_value < ab_test_alpha
      srm_p_value         sample-ratio-mismatch check: the variant's share of
                          the experiment's sends against an equal split (a
                          one-sample z-test; with two variants it is the usual
                          chi-square test); has_sample_ratio_mismatch when it
                          is below ab_test_srm_alpha, and then the result
                          should not be trusted
    Several sends to one lead are treated as independent trials; this
    understates the variance a little when a lead's sends are alike. -#}

{#- z of a two-sided 95 % interval: the 0.975 quantile of the standard normal. -#}
{%- set ci_z = 1.959963984540054 %}

with email_sends as (

    select * from {{ ref('stg_marketing__email_sends') }}

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

compared as (

    select
        variant_counts.*,
        experiment_counts.experiment_sends,
        experiment_counts.variant_count,
        control.sends as control_sends,
        control.conversions as control_conversions,
        1.0 * variant_counts.conversions / variant_counts.sends as conversion_rate,
        1.0 * control.conversions / control.sends as control_conversion_rate,
        variant_counts.variant = 'control' as is_control
    from variant_counts
    inner join experiment_counts
        on variant_counts.experiment_id = experiment_counts.experiment_id
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
        -- Share of sends against an equal split: z = (share - 1/k) / sqrt((1/k)(1 - 1/k) / n).
        case when variant_count > 1 then
            (1.0 * sends / experiment_sends - 1.0 / variant_count)
            / sqrt((1.0 / variant_count) * (1.0 - 1.0 / variant_count) / experiment_sends)
        end as srm_z_score
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
        1.0 * opens / sends as open_rate,
        1.0 * clicks / sends as click_rate,
        conversion_rate,
        control_conversion_rate,
        case when not is_control and control_conversion_rate > 0
            then conversion_rate / control_conversion_rate - 1.0 end as lift_vs_control,
        case when not is_control
            then conversion_rate - control_conversion_rate end as conversion_rate_difference,
        z_score,
        {{ growth_two_sided_p_value('z_score') }} as p_value,
        conversion_rate - control_conversion_rate - {{ ci_z }} * difference_standard_error
            as ci_lower,
        conversion_rate - control_conversion_rate + {{ ci_z }} * difference_standard_error
            as ci_upper,
        coalesce({{ growth_two_sided_p_value("z_score") }} < {{ var("ab_test_alpha") }}, false)
            as is_significant,
        1.0 * sends / experiment_sends as share_of_sends,
        {{ growth_two_sided_p_value('srm_z_score') }} as srm_p_value,
        {{ growth_two_sided_p_value('srm_z_score') }} < {{ var('ab_test_srm_alpha') }}
            as has_sample_ratio_mismatch
    from statistics

)

select * from final
