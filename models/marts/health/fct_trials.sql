{#- One row per trial started on or before the as-of date (playbook
    section 3, trial -> paying): its login run and core-feature uses, the
    high-conversion signal and the conversion, as int_trial_conversions
    works them out (the rules are in its header). -#}

with trial_conversions as (

    select * from {{ ref('int_trial_conversions') }}

),

final as (

    select * from trial_conversions

)

select * from final
