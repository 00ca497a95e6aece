{#- One row per trial started on or before the as-of date (playbook
    section 3, trial -> paying): its login run and core-feature uses, the
    high-conversion signal and the conversion, as int_trial_conversions
    works them out (the rules are in its header). -#}

with trial_conversions as (

    select * from {{ ref('int_trial_conversions') }}

),

final as (

    select
        trial_id,
        account_id,
        product_module,
        started_at,
        ends_at,
        login_days,
        max_consecutive_login_days,
        core_feature_uses,
        is_high_conversion_signal,
        converted_at,
        is_converted,
        days_to_convert,
        converted_within_offer_window,
        offer_discount_rate
    from trial_conversions

)

select * from final
