{#- The incremental path of a base model whose landing table grows by
    deliveries (product/events). stage_landing_rows decides a row's fate from
    the row itself, from the other rows of its key (first wins) and from its
    parent's keys (orphans); so a refresh re-stages every landed row of every
    key whose fate may have changed, and leaves every other row as it is:

      new rows        rows of deliveries landed after the model last ran
                      (their _loaded_at is later than any it holds)
      removed rows    rows of a delivery that left raw (a replaced file):
                      the other rows of their key may win now
      orphans anew    rows whose parent key arrived (were orphan_key) or left
                      (were staged or duplicate_key); the rule's "a parent
                      file that landed no row checks nothing" included

    landing_rows_to_restage renders, as a subquery, the landed rows of those
    keys (every delivery of them, so first-wins sees the whole key); the
    model replaces its rows of those keys (delete+insert on record_key), and
    delete_removed_landing_rows (its post-hook) drops rows of deliveries that
    left raw whose key no row carries any more. -#}
{% macro landing_rows_to_restage(source_relation, key_column, foreign_key) %}
{#- The landing table and the model itself are read directly where each
    part needs them, not through a CTE several parts read: DuckDB keeps such
    a CTE whole, and these hold every landed row (50 M events at size L). -#}
{%- set landed_key = "coalesce(" ~ clean_text(key_column) ~ ", '')" -%}
(
    with

    {#- As stage_landing_rows reads them: a parent file with rows, even
        only blank keys, checks its children. #}
    parent_keys as (

        select distinct {{ clean_text(foreign_key.parent_column) }} as parent_key
        from {{ foreign_key.parent }}

    ),

    new_keys as (

        select {{ landed_key }} as record_key
        from {{ source_relation }}
        where _loaded_at > (select max(_loaded_at) from {{ this }})

    ),

    current_deliveries as (

        select distinct
            _source_file,
            _loaded_at
        from {{ source_relation }}

    ),

    removed_keys as (

        select staged_before.record_key
        from {{ this }} as staged_before
        left join current_deliveries
            on staged_before._source_file = current_deliveries._source_file
            and staged_before._loaded_at = current_deliveries._loaded_at
        where current_deliveries._source_file is null

    ),

    orphan_keys as (

        select staged_before.record_key
        from {{ this }} as staged_before
        left join parent_keys
            on staged_before.{{ foreign_key.column }} = parent_keys.parent_key
        where staged_before.{{ foreign_key.column }} is not null
            and (
                (
                    staged_before.quarantine_reason = 'orphan_key'
                    and (parent_keys.parent_key is not null or not exists (select 1 from parent_keys))
                )
                or (
                    coalesce(staged_before.quarantine_reason, 'duplicate_key') = 'duplicate_key'
                    and parent_keys.parent_key is null
                    and exists (select 1 from parent_keys)
                )
            )

    ),

    touched_keys as (

        select record_key from new_keys
        union
        select record_key from removed_keys
        union
        select record_key from orphan_keys

    )

    select landed.*
    from {{ source_relation }} as landed
    where {{ landed_key }} in (select record_key from touched_keys)
)
{% endmacro %}


{% macro delete_removed_landing_rows(source_relation) %}
delete from {{ this }}
where (_source_file, _loaded_at) not in (
    select distinct (_source_file, _loaded_at) from {{ source_relation }}
)
{% endmacro %}
