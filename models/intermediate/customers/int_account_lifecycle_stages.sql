{#- The lifecycle stage of each account at the as-of date (playbook
    section 2), first match wins:
      loyal     paying now, at least loyal_min_paid_invoices paid invoices,
                referred at least one lead in the last
                loyal_referral_window_days, and account NPS over the last
                loyal_nps_window_days >= loyal_min_nps
      paying    MRR running on the as-of date
      churned   paid before, nothing running on the as-of date
      trial     started a trial (running or lapsed), never paid
      prospect  none of the above: in the CRM, no trial, no payment -#}

with lifecycle_facts as (

    select * from {{ ref('int_account_lifecycle_facts') }}

),

final as (

    select
        account_id,
        case
            when current_mrr_amount > 0
                and paid_invoice_count >= {{ var('loyal_min_paid_invoices') }}
                and referred_lead_count > 0
                and account_nps >= {{ var('loyal_min_nps') }}
                then 'loyal'
            when current_mrr_amount > 0 then 'paying'
            when first_paid_on is not null then 'churned'
            when has_started_trial then 'trial'
            else 'prospect'
        end as lifecycle_stage
    from lifecycle_facts

)

select * from final
