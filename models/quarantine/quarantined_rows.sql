{#- Every landed row that was not staged, from every landing table, with the
    reason and its original text. Nothing landed is lost. -#}

with

{% for system, table in landing_tables() %}
{{ system }}__{{ table }} as (

    select
        '{{ system }}/{{ table }}' as source_table,
        _source_file as source_file,
        _landing_row_number as landing_row_number,
        record_key,
        quarantine_reason,
        raw_values,
        _loaded_at as loaded_at
    from {{ ref('base_' ~ system ~ '__' ~ table) }}
    where quarantine_reason is not null

),
{% endfor %}

final as (

    {% for system, table in landing_tables() %}
    select * from {{ system }}__{{ table }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
