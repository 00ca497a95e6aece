{#- The lifecycle stage of each account at the as-of date (playbook
    section 2), first match wins:
      loyal     paying now, at least loyal_min_paid_invoices paid invoices,
                referred at least one lead in the last
                loyal_referral_window_days, and account NPS over the last
                loyal_nps_window_days >= loyal_min_nps
      paying    MRR running on the as-of date
      churned   paid before, nothing running on the as-of date
      trial     never paid, and a trial runs on the as-of date or the
                latest one ended at most trial_stage_lapsed_after_days
                before it
      prospect  none of the above: never paid, and no trial or only trials
                that lapsed longer ago (a lapsed trial stops counting) -#}

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
            when days_since_trial_ended <= {{ var('trial_stage_lapsed_after_days') }} then 'trial'
            else 'prospect'
        end as lifecycle_stage
    from lifecycle_facts

)

select * from final
