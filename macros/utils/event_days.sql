{#- The event days a run of the account-day model recomputes, read at run
    time from the table raw._event_day_ranges (first_day, last_day, both
    included) that the orchestrator writes before the run
    (b2b_ops.incremental.write_day_ranges: the days the run targets and every
    day whose events changed since the model last ran). A table rather than
    a dbt var: dbt parses the whole project again whenever --vars differ
    between two invocations, and the run's other dbt invocations pass none
    of these days. Without the table (dbt run by hand on a warehouse the
    orchestrator never refreshed) there is no day to recompute. -#}
{% macro event_day_ranges() -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set table = adapter.get_relation(
        database=target.database, schema='raw', identifier='_event_day_ranges') -%}
    {%- if table is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set result = run_query('select first_day, last_day from ' ~ table ~ ' order by first_day') -%}
    {%- set ranges = [] -%}
    {%- for row in result.rows -%}
        {%- do ranges.append([row[0], row[1]]) -%}
    {%- endfor -%}
    {{ return(ranges) }}
{%- endmacro %}

{#- A predicate on a date or timestamp column, true for rows of the days
    event_day_ranges() gives; written as literal ranges so DuckDB skips the
    row groups of other days. -#}
{% macro is_in_event_days(column) -%}
    {%- set ranges = event_day_ranges() -%}
    {%- if ranges | length == 0 -%}
    false
    {%- else -%}
    (
        {%- for first, last in ranges %}
        ({{ column }} >= cast('{{ first }}' as date)
            and {{ column }} < cast('{{ last }}' as date) + interval 1 day)
        {{- " or" if not loop.last }}
        {%- endfor %}
    )
    {%- endif -%}
{%- endmacro %}


{#- A predicate on a trial key column, true for the trials whose rows a run
    of the trial-day model recomputes whole: the trials of the table
    raw._changed_trials that the orchestrator writes before the run
    (b2b_ops.incremental.write_changed_trials: trials whose window or
    account changed since the model last ran, or that arrived or left).
    Without the table there is no trial to recompute. -#}
{% macro is_in_changed_trials(column) -%}
    {%- set table = none -%}
    {%- if execute -%}
        {%- set table = adapter.get_relation(
            database=target.database, schema='raw', identifier='_changed_trials') -%}
    {%- endif -%}
    {%- if table is none -%}
    false
    {%- else -%}
    {{ column }} in (select trial_id from {{ table }})
    {%- endif -%}
{%- endmacro %}


{#- The first and last day of the windows of the changed trials (above) in
    the staged trials, [first, last], or none when no trial changed: the
    trial-day model reads the events of those days only. -#}
{% macro changed_trials_span(trials_relation) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set predicate = is_in_changed_trials('trial_id') -%}
    {%- if predicate | trim == 'false' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set result = run_query(
        'select min(cast(started_at as date)), max(cast(ends_at as date)) from '
        ~ trials_relation ~ ' where ' ~ predicate) -%}
    {%- set first, last = result.rows[0] -%}
    {{ return(none if first is none else [first, last]) }}
{%- endmacro %}
