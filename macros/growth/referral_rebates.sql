{#- The referral rebates owed over a set of rows (playbook section 3: the
    referrer gets referral_rebate_rate, 10 %, of the referred customer's
    annual fee back): referral_rebate_rate x the sum of annual_fee_column
    over the rows where is_owed holds. A row is one referred customer in the
    month it first pays; the fee is 12 x its MRR on its first paid day
    (int_growth_account_journeys.first_annual_fee_amount). mart_referrals
    reports the rebates; int_growth_channel_months books them as the
    acquisition cost of the referred customer's channel. -#}
{% macro referral_rebates_owed(is_owed, annual_fee_column) -%}
    {{ money_sum('case when ' ~ is_owed ~ ' then ' ~ annual_fee_column ~ ' else 0 end') }}
        * {{ var('referral_rebate_rate') }}
{%- endmacro %}
