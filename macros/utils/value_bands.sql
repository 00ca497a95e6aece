{#- The playbook's value lines (section 2) as bands; the band pair maps to a
    tier through seeds/value_tier_matrix.csv.
      annual ARPU: high > tier_high_arpu_above; low < tier_low_arpu_below;
                   mid in between, both ends included (50,000 and 100,000 are mid)
      growth:      high > tier_high_growth_above; low < tier_low_growth_below;
                   mid in between, both ends included (5 % and 15 % are mid);
                   an unknown growth rate counts as low (no evidence of potential) -#}

{% macro arpu_band(column) -%}
    case
        when {{ column }} > {{ var('tier_high_arpu_above') }} then 'high'
        when {{ column }} >= {{ var('tier_low_arpu_below') }} then 'mid'
        else 'low'
    end
{%- endmacro %}


{% macro growth_band(column) -%}
    case
        when {{ column }} > {{ var('tier_high_growth_above') }} then 'high'
        when {{ column }} >= {{ var('tier_low_growth_below') }} then 'mid'
        else 'low'
    end
{%- endmacro %}
