{#- The acquisition funnel per month, acquisition channel and industry.
    Two views side by side:
      calendar counts (what happened in the month)
        leads       leads created in the month (the lead's own channel and
                    industry)
        trials      accounts whose first trial started in the month
        new_paying  accounts whose first paid day is in the month
        loyal       of those new paying accounts, the ones loyal at the
                    as-of date
        lead_to_trial_rate = trials / leads, trial_to_paid_rate =
        new_paying / trials, paid_to_loyal_rate = loyal / new_paying, all
        within the same month (accounts in the channel and industry of their
        latest CRM version); null when the denominator is 0. Calendar rates
        mix people from different months, so they can exceed 1.
      cohort conversion (what became of the month's leads)
        of the leads created in the month, how many led to an account whose
        first trial started (or first payment happened) within the short
        and long windows of funnel_cohort_windows_days after the lead was
        created (lag 0 to the window's days, both ends included). A trial or
        payment before the lead was created (a negative lag) did not follow
        from the lead: it never counts as converted. A cohort rate is null
        until its window has passed for every lead of the month (month end
        + window on or before the as-of date), so a young cohort never
        looks like a bad one.
      median days between stages, for the month's leads that got there:
        lead created -> first trial (negative lags left out, as above),
        first trial -> first paid day.
    A row exists where at least one count is above 0. -#}

{%- set short_window_days = var('funnel_cohort_windows_days')[0] -%}
{%- set long_window_days = var('funnel_cohort_windows_days')[-1] %}

with journeys as (

    select * from {{ ref('int_growth_account_journeys') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

visible_leads as (

    select
        leads.lead_id,
        {{ month_start('leads.created_at') }} as month,
        coalesce(leads.acquisition_channel, 'unknown') as acquisition_channel,
        coalesce(leads.industry, 'unknown') as industry,
        cast(leads.created_at as date) as lead_created_on,
        journeys.first_trial_on,
        journeys.first_paid_on
    from leads
    left join journeys
        on leads.converted_account_id = journeys.account_id
        and leads.converted_at is not null
        and {{ is_visible_at_as_of('leads.converted_at') }}
    where {{ is_visible_at_as_of('leads.created_at') }}

),

-- Days from the lead to the account's first trial and first payment; null
-- when that came before the lead (it did not follow from the lead).
lead_lags as (

    select
        *,
        case when first_trial_on >= lead_created_on
            then {{ dbt.datediff('lead_created_on', 'first_trial_on', 'day') }}
        end as lead_to_trial_days,
        case when first_paid_on >= lead_created_on
            then {{ dbt.datediff('lead_created_on', 'first_paid_on', 'day') }}
        end as lead_to_paid_days
    from visible_leads

),

lead_cohorts as (

    select
        month,
        acquisition_channel,
        industry,
        count(*) as leads,
        sum(case when lead_to_trial_days <= {{ short_window_days }} then 1 else 0 end)
            as cohort_trials_short_window,
        sum(case when lead_to_trial_days <= {{ long_window_days }} then 1 else 0 end)
            as cohort_trials_long_window,
        sum(case when lead_to_paid_days <= {{ short_window_days }} then 1 else 0 end)
            as cohort_paid_short_window,
        sum(case when lead_to_paid_days <= {{ long_window_days }} then 1 else 0 end)
            as cohort_paid_long_window,
        {{ median_value('lead_to_trial_days') }} as median_lead_to_trial_days,
        {{ median_value(dbt.datediff('first_trial_on', 'first_paid_on', 'day')) }}
            as median_trial_to_paid_days
    from lead_lags
    group by month, acquisition_channel, industry

),

account_stages as (

    select
        coalesce(acquisition_channel, 'unknown') as acquisition_channel,
        coalesce(industry, 'unknown') as industry,
        {{ month_start('first_trial_on') }} as trial_month,
        {{ month_start('first_paid_on') }} as paid_month,
        lifecycle_stage
    from journeys

),

trial_counts as (

    select
        trial_month as month,
        acquisition_channel,
        industry,
        count(*) as trials
    from account_stages
    where trial_month is not null
    group by trial_month, acquisition_channel, industry

),

paid_counts as (

    select
        paid_month as month,
        acquisition_channel,
        industry,
        count(*) as new_paying,
        sum(case when lifecycle_stage = 'loyal' then 1 else 0 end) as loyal
    from account_stages
    where paid_month is not null
    group by paid_month, acquisition_channel, industry

),

keys as (

    select
        month,
        acquisition_channel,
        industry
    from lead_cohorts
    union
    select
        month,
        acquisition_channel,
        industry
    from trial_counts
    union
    select
        month,
        acquisition_channel,
        industry
    from paid_counts

),

counts as (

    select
        keys.month,
        keys.acquisition_channel,
        keys.industry,
        coalesce(lead_cohorts.leads, 0) as leads,
        coalesce(trial_counts.trials, 0) as trials,
        coalesce(paid_counts.new_paying, 0) as new_paying,
        coalesce(paid_counts.loyal, 0) as loyal,
        coalesce(lead_cohorts.cohort_trials_short_window, 0) as cohort_trials_short_window,
        coalesce(lead_cohorts.cohort_trials_long_window, 0) as cohort_trials_long_window,
        coalesce(lead_cohorts.cohort_paid_short_window, 0) as cohort_paid_short_window,
        coalesce(lead_cohorts.cohort_paid_long_window, 0) as cohort_paid_long_window,
        lead_cohorts.median_lead_to_trial_days,
        lead_cohorts.median_trial_to_paid_days,
        {{ cohort_window_is_complete('keys.month', short_window_days) }} as is_short_window_complete,
        {{ cohort_window_is_complete('keys.month', long_window_days) }} as is_long_window_complete
    from keys
    left join lead_cohorts
        on keys.month = lead_cohorts.month
        and keys.acquisition_channel = lead_cohorts.acquisition_channel
        and keys.industry = lead_cohorts.industry
    left join trial_counts
        on keys.month = trial_counts.month
        and keys.acquisition_channel = trial_counts.acquisition_channel
        and keys.industry = trial_counts.industry
    left join paid_counts
        on keys.month = paid_counts.month
        and keys.acquisition_channel = paid_counts.acquisition_channel
        and keys.industry = paid_counts.industry

),

final as (

    select
        month,
        acquisition_channel,
        industry,
        cast(leads as integer) as leads,
        cast(trials as integer) as trials,
        cast(new_paying as integer) as new_paying,
        cast(loyal as integer) as loyal,
        {{ safe_divide('trials', 'leads') }} as lead_to_trial_rate,
        {{ safe_divide('new_paying', 'trials') }} as trial_to_paid_rate,
        {{ safe_divide('loyal', 'new_paying') }} as paid_to_loyal_rate,
        cast({{ short_window_days }} as integer) as short_window_days,
        cast({{ long_window_days }} as integer) as long_window_days,
        cast(cohort_trials_short_window as integer) as cohort_trials_short_window,
        cast(cohort_trials_long_window as integer) as cohort_trials_long_window,
        cast(cohort_paid_short_window as integer) as cohort_paid_short_window,
        cast(cohort_paid_long_window as integer) as cohort_paid_long_window,
        case when leads > 0 and is_short_window_complete
            then cast(cohort_trials_short_window as double) / leads end
            as cohort_lead_to_trial_short_window_rate,
        case when leads > 0 and is_long_window_complete
            then cast(cohort_trials_long_window as double) / leads end
            as cohort_lead_to_trial_long_window_rate,
        case when leads > 0 and is_short_window_complete
            then cast(cohort_paid_short_window as double) / leads end
            as cohort_lead_to_paid_short_window_rate,
        case when leads > 0 and is_long_window_complete
            then cast(cohort_paid_long_window as double) / leads end
            as cohort_lead_to_paid_long_window_rate,
        cast(median_lead_to_trial_days as double) as median_lead_to_trial_days,
        cast(median_trial_to_paid_days as double) as median_trial_to_paid_days,
        {{ is_complete_month('month') }} as is_complete_month
    from counts

)

select * from final
