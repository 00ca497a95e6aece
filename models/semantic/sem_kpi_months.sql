{#- The monthly inputs of the KPI scorecard (int_playbook_kpi_months), for
    the semantic layer: the high-value upsell rate and the high-value LTV
    are defined on cohorts and tiers the marts do not carry row by row, so
    their metrics read these counts, the same ones the scorecard reads.
    ltv_gross_margin_rate is the var ltv_gross_margin the LTV uses. -#}

with kpi_months as (

    select * from {{ ref('int_playbook_kpi_months') }}

),

final as (

    select
        month,
        high_value_upsell_base_accounts,
        high_value_upsold_accounts,
        high_value_paying_accounts,
        high_value_mrr_amount,
        high_value_ltv_window_churned_accounts,
        high_value_ltv_window_accounts_at_start,
        cast({{ var('ltv_gross_margin') }} as double) as ltv_gross_margin_rate
    from kpi_months

)

select * from final
