{#- Does the high-conversion signal work? Trials with vs without it
    (int_trial_conversions, published as fct_trials): how many converted,
    and how many within the offer window. Trials still inside their offer
    window at the as-of date may yet convert, so open_offer_trial_count says
    how many are not final. Rates are null with no trials. -#}

with trials as (

    select * from {{ ref('int_trial_conversions') }}

),

final as (

    select
        is_high_conversion_signal,
        cast(count(*) as integer) as trial_count,
        cast(sum(case when is_converted then 1 else 0 end) as integer) as converted_count,
        cast(sum(case when converted_within_offer_window then 1 else 0 end) as integer)
            as converted_within_offer_window_count,
        {{ safe_divide('sum(case when is_converted then 1 else 0 end)', 'count(*)') }} as conversion_rate,
        {{ safe_divide('sum(case when converted_within_offer_window then 1 else 0 end)', 'count(*)') }}
            as offer_window_conversion_rate,
        cast(sum(
            case
                when not is_converted
                    and cast({{ dbt.dateadd('day', var('trial_offer_window_days'), 'started_at') }} as date)
                        >= {{ as_of_date() }}
                    then 1
                else 0
            end
        ) as integer) as open_offer_trial_count,
        {{ as_of_date() }} as as_of_date
    from trials
    group by is_high_conversion_signal

)

select * from final
