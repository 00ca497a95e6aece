{#- Statistics for the experiment mart, in plain SQL so they run on any
    warehouse (only exp, sqrt and abs are needed).

    growth_normal_cdf(z): the standard normal CDF Phi(z), from the
    Abramowitz and Stegun formula 7.1.26 for erf (absolute error below
    1.5e-7), Phi(z) = (1 + erf(z / sqrt(2))) / 2. tests/python/test_growth.py
    checks it against scipy. -#}

{% macro growth_normal_cdf(z) -%}
    {{ return(adapter.dispatch('growth_normal_cdf')(z)) }}
{%- endmacro %}

{% macro default__growth_normal_cdf(z) -%}
    {%- set x = "(abs(cast(" ~ z ~ " as double)) / sqrt(2.0))" -%}
    {%- set t = "(1.0 / (1.0 + 0.3275911 * " ~ x ~ "))" -%}
    (
        0.5 + 0.5 * (case when cast({{ z }} as double) < 0 then -1.0 else 1.0 end)
        * (
            1.0 - (
                0.254829592 * {{ t }}
                - 0.284496736 * power({{ t }}, 2)
                + 1.421413741 * power({{ t }}, 3)
                - 1.453152027 * power({{ t }}, 4)
                + 1.061405429 * power({{ t }}, 5)
            ) * exp(-1.0 * {{ x }} * {{ x }})
        )
    )
{%- endmacro %}


{#- Two-sided p-value of a z statistic: 2 x (1 - Phi(|z|)); null when z is
    null (a zero standard error). -#}
{% macro growth_two_sided_p_value(z) -%}
    case
        when {{ z }} is not null
            then 2.0 * (1.0 - {{ growth_normal_cdf('abs(' ~ z ~ ')') }})
    end
{%- endmacro %}


{#- z statistic of the two-proportion test with the pooled proportion
    (x1 successes of n1 against x2 of n2): (p2 - p1) / sqrt(p (1 - p)
    (1/n1 + 1/n2)), p = (x1 + x2) / (n1 + n2). Null when either group is
    empty or the pooled rate is 0 or 1 (no variance, nothing to test). -#}
{% macro growth_two_proportion_z(x1, n1, x2, n2) -%}
    case
        when {{ n1 }} > 0 and {{ n2 }} > 0
            and ({{ x1 }} + {{ x2 }}) > 0
            and ({{ x1 }} + {{ x2 }}) < ({{ n1 }} + {{ n2 }})
            then (
                1.0 * {{ x2 }} / {{ n2 }} - 1.0 * {{ x1 }} / {{ n1 }}
            ) / sqrt(
                (1.0 * ({{ x1 }} + {{ x2 }}) / ({{ n1 }} + {{ n2 }}))
                * (1.0 - 1.0 * ({{ x1 }} + {{ x2 }}) / ({{ n1 }} + {{ n2 }}))
                * (1.0 / {{ n1 }} + 1.0 / {{ n2 }})
            )
    end
{%- endmacro %}
