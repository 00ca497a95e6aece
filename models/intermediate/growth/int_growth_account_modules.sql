{#- One row per account and product module it has paid for by the as-of
    date: the first day a subscription of the module with MRR above 0
    started, and whether one runs on the as-of date. -#}

with subscriptions as (

    select * from {{ ref('int_subscriptions_constant_currency') }}

),

final as (

    select
        subscriptions.account_id,
        subscriptions.product_module,
        min(subscriptions.started_on) as first_started_on,
        max(
            case when {{ subscription_runs_on('subscriptions', as_of_date()) }} then 1 else 0 end
        ) = 1 as is_running_at_as_of
    from subscriptions
    where subscriptions.mrr_amount > 0
        and subscriptions.product_module is not null
    group by subscriptions.account_id, subscriptions.product_module

)

select * from final
