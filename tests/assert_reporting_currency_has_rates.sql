-- The reporting currency (var reporting_currency) must have FX rates in
-- seeds/fx_rates.csv, or every converted amount would be missing.

select '{{ var("reporting_currency") }}' as reporting_currency
where not exists (
    select 1
    from {{ ref('fx_rates') }}
    where upper(currency) = upper('{{ var("reporting_currency") }}')
)
