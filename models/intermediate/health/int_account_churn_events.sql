{#- Churn events: a day on which an account stops having any subscription
    running, on or before the as-of date. A subscription that ends on the
    day another starts (a plan change) is not a churn. The same definition
    as the demo's ground truth ("first day without a running subscription");
    an account that comes back and leaves again has a second event. -#}

with subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

end_days as (

    select distinct
        account_id,
        ended_on
    from subscriptions
    where ended_on is not null
        and account_id is not null
        and {{ is_visible_at_as_of('ended_on') }}

),

final as (

    select
        end_days.account_id,
        end_days.ended_on as churned_on
    from end_days
    where not exists (
        select 1
        from subscriptions
        where subscriptions.account_id = end_days.account_id
            and {{ subscription_runs_on('subscriptions', 'end_days.ended_on') }}
    )

)

select * from final
