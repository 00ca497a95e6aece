{#- For every landing table: rows landed = rows staged + rows quarantined.
    A base model has exactly one row per landed record (its _source_file
    and _landing_row_number are tested unique together), so its row count
    is the landed count; duplicate_key rows are the duplicates resolved by the first-wins
    rule and are counted among the quarantined. -#}

with

{% for system, table in landing_tables() %}
{{ system }}__{{ table }} as (

    select
        '{{ system }}/{{ table }}' as source_table,
        count(*) as rows_landed,
        {#- count, not sum: a table that landed no row (an absent file)
            reconciles as 0 = 0 + 0, where a sum gave null. #}
        count(case when quarantine_reason is null then 1 end) as rows_staged_expected,
        count(case when quarantine_reason is not null then 1 end) as rows_quarantined,
        count(case when quarantine_reason = 'duplicate_key' then 1 end)
            as rows_duplicates_resolved,
        (select count(*) from {{ ref('stg_' ~ system ~ '__' ~ table) }}) as rows_staged
    from {{ ref('base_' ~ system ~ '__' ~ table) }}

),
{% endfor %}

unioned as (

    {% for system, table in landing_tables() %}
    select * from {{ system }}__{{ table }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        source_table,
        rows_landed,
        rows_staged,
        rows_quarantined,
        rows_duplicates_resolved,
        rows_landed = rows_staged + rows_quarantined as is_reconciled
    from unioned

)

select * from final
