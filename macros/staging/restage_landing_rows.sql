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

    The model's pre-hooks find those keys (create_restage_keys) and the
    places in the landing files of the rows it staged for them
    (create_restage_rows), each into a temporary table of the connection;
    landing_rows_to_restage then renders, as a subquery, the landed rows of
    those keys (every delivery of them, so first-wins sees the whole key).
    The model replaces its rows of those keys (delete+insert on record_key),
    and its post-hooks drop rows of deliveries that left raw whose key no row
    carries any more (delete_removed_landing_rows) and the temporary tables.

    Why temporary tables, not CTEs: DuckDB picks each hash join's build side
    from its estimates, and it estimates the touched keys at tens of millions
    (0.2 M on a daily delivery at size L). It then built the hash tables on
    the 50 M staged and landed rows, spilled 4 GB to disk and took 58 s; from
    tables it knows the row counts, and the same select takes 7 s. -#}
{% macro restage_table(kind) -%}
    temp.main.{{ this.identifier }}__restage_{{ kind }}
{%- endmacro %}


{% macro create_restage_keys(source_relation, key_column, foreign_key) %}
{#- The landing table and the model itself are read directly where each
    part needs them, not through a CTE several parts read: DuckDB keeps such
    a CTE whole, and these hold every landed row (50 M events at size L). -#}
{%- set landed_key = "coalesce(" ~ clean_text(key_column) ~ ", '')" -%}
create or replace temp table {{ restage_table('keys') }} as

with

{#- As stage_landing_rows reads them: a parent file with rows, even only
    blank keys, checks its children. #}
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

select record_key from touched_keys
{% endmacro %}


{#- An earlier row of a touched key is found by its place in its file,
    through the model's own record_key: cleaning the key of every landed row
    to compare it took 11 s of a daily refresh at size L, this takes 2. The
    model holds every landed row that is not new. #}
{% macro create_restage_rows() %}
create or replace temp table {{ restage_table('rows') }} as
select
    staged_before._source_file,
    staged_before._landing_row_number
from {{ this }} as staged_before
where staged_before.record_key in (select record_key from {{ restage_table('keys') }})
{% endmacro %}


{% macro landing_rows_to_restage(source_relation) %}
{#- Two selects, not one with an `or`: each filter then reaches the scan of
    the landing table (the new rows sit in its last row groups), where an
    `or` read every column of every landed row first. #}
(
    select landed.*
    from {{ source_relation }} as landed
    where landed._loaded_at > (select max(_loaded_at) from {{ this }})

    union all

    select landed.*
    from {{ source_relation }} as landed
    semi join {{ restage_table('rows') }} as rows_of_touched_keys
        on landed._source_file = rows_of_touched_keys._source_file
        and landed._landing_row_number = rows_of_touched_keys._landing_row_number
    where landed._loaded_at <= (select max(_loaded_at) from {{ this }})
)
{% endmacro %}


{% macro drop_restage_table(kind) %}
drop table if exists {{ restage_table(kind) }}
{% endmacro %}


{% macro delete_removed_landing_rows(source_relation) %}
delete from {{ this }}
where (_source_file, _loaded_at) not in (
    select distinct (_source_file, _loaded_at) from {{ source_relation }}
)
{% endmacro %}
