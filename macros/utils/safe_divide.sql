{#- numerator / denominator as a double; null when the denominator is 0 or
    null (a rate of nothing is unknown, not 0). Every rate, average and ratio
    of the marts divides with it. -#}
{% macro safe_divide(numerator, denominator) -%}
    case
        when ({{ denominator }}) > 0 then cast({{ numerator }} as double) / ({{ denominator }})
    end
{%- endmacro %}
