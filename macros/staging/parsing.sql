{#- Text cleaning and tolerant parsing. Landing columns arrive as text; a value
    that does not parse becomes null (and the row is quarantined by
    stage_landing_rows), it never fails the build. -#}

{% macro clean_text(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}


{% macro parse_timestamp(expression) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'b2b_ops')(expression)) }}
{%- endmacro %}

{% macro default__parse_timestamp(expression) -%}
    {{ dbt.safe_cast(expression, api.Column.translate_type('timestamp')) }}
{%- endmacro %}

{#- DuckDB ignores a UTC offset when casting text straight to timestamp; going
    through timestamptz applies it (the profile sets the session to UTC).
    A date before 1900 or an infinite one is junk, not history (it would
    stretch every date spine over centuries): it parses to null, so the row
    is quarantined as unparseable_date. -#}
{% macro duckdb__parse_timestamp(expression) -%}
    case
        when cast(try_cast({{ expression }} as timestamptz) as timestamp)
            between timestamp '1900-01-01' and timestamp '9999-12-31 23:59:59.999999'
            then cast(try_cast({{ expression }} as timestamptz) as timestamp)
    end
{%- endmacro %}


{#- Spark (ANSI off, as dbt-spark sets it) casts bad text to null, but it
    also reads words such as 'yesterday' or 'now' as timestamps, which DuckDB
    rejects: only text that starts with a yyyy-mm-dd date parses. -#}
{% macro spark__parse_timestamp(expression) -%}
    case
        when {{ expression }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
            and cast({{ expression }} as timestamp)
            between timestamp '1900-01-01' and timestamp '9999-12-31 23:59:59.999999'
            then cast({{ expression }} as timestamp)
    end
{%- endmacro %}


{% macro parse_date(expression) -%}
    {{ return(adapter.dispatch('parse_date', 'b2b_ops')(expression)) }}
{%- endmacro %}

{% macro default__parse_date(expression) -%}
    {{ dbt.safe_cast(expression, api.Column.translate_type('date')) }}
{%- endmacro %}

{% macro duckdb__parse_date(expression) -%}
    case
        when try_cast({{ expression }} as date) between date '1900-01-01' and date '9999-12-31'
            then try_cast({{ expression }} as date)
    end
{%- endmacro %}


{% macro spark__parse_date(expression) -%}
    case
        when {{ expression }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
            and cast({{ expression }} as date) between date '1900-01-01' and date '9999-12-31'
            then cast({{ expression }} as date)
    end
{%- endmacro %}


{% macro parse_number(expression, number_type) -%}
    {{ return(adapter.dispatch('parse_number', 'b2b_ops')(expression, number_type)) }}
{%- endmacro %}

{% macro default__parse_number(expression, number_type) -%}
    {{ dbt.safe_cast(expression, api.Column.translate_type(number_type)) }}
{%- endmacro %}

{#- An integer column rejects '7.5' rather than rounding it to 8. DuckDB
    reads 'nan' and 'inf' as doubles; they are not amounts, so they parse to
    null (and the row is quarantined as unparseable_number). -#}
{% macro duckdb__parse_number(expression, number_type) -%}
    {%- if number_type in ('integer', 'bigint') -%}
    case
        when try_cast({{ expression }} as double) = floor(try_cast({{ expression }} as double))
            then try_cast(try_cast({{ expression }} as double) as {{ number_type }})
    end
    {%- else -%}
    case
        when isfinite(try_cast({{ expression }} as double))
            then try_cast({{ expression }} as {{ number_type }})
    end
    {%- endif -%}
{%- endmacro %}


{#- Spark reads more text as a double than DuckDB does (Java's '1.5d',
    hexadecimal), and a double beyond an integer's range saturates instead of
    failing: only plain decimal numbers parse, integers within their range.
    Spark has isnan but no isfinite. -#}
{% macro spark__parse_number(expression, number_type) -%}
    {%- set plain_number = "trim(" ~ expression ~ ") rlike '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$'" -%}
    {%- set as_double = "cast(" ~ expression ~ " as double)" -%}
    {%- if number_type in ('integer', 'bigint') -%}
    {%- set largest = 2147483647 if number_type == 'integer' else 9223372036854775807 -%}
    case
        when {{ plain_number }}
            and {{ as_double }} = floor({{ as_double }})
            and abs({{ as_double }}) <= {{ largest }}
            then cast({{ as_double }} as {{ number_type }})
    end
    {%- else -%}
    case
        when {{ plain_number }}
            and abs({{ as_double }}) < cast('Infinity' as double)
            then cast({{ expression }} as {{ number_type }})
    end
    {%- endif -%}
{%- endmacro %}


{#- The raw text of a quarantined row, so nothing landed is lost. -#}
{% macro raw_values_text(columns, relation_alias) -%}
    {{ return(adapter.dispatch('raw_values_text', 'b2b_ops')(columns, relation_alias)) }}
{%- endmacro %}

{% macro default__raw_values_text(columns, relation_alias) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("'" ~ column ~ "='") -%}
        {%- do parts.append("coalesce(" ~ relation_alias ~ "._raw_" ~ column ~ ", '')") -%}
        {%- if not loop.last %}{% do parts.append("'; '") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{% macro duckdb__raw_values_text(columns, relation_alias) -%}
    to_json(struct_pack(
        {%- for column in columns %}
        {{ column }} := {{ relation_alias }}._raw_{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    ))::varchar
{%- endmacro %}

{#- The same JSON text as DuckDB's: Spark's to_json drops null fields unless
    told to keep them. -#}
{% macro spark__raw_values_text(columns, relation_alias) -%}
    to_json(named_struct(
        {%- for column in columns %}
        '{{ column }}', {{ relation_alias }}._raw_{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    ), map('ignoreNullFields', 'false'))
{%- endmacro %}
