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
    empty or the pooled rate is 0 or 1 (no variance, nothing to test).
    The rates are doubles on every engine (Spark divides decimals to 6
    places). -#}
{% macro growth_two_proportion_z(x1, n1, x2, n2) -%}
    case
        when {{ n1 }} > 0 and {{ n2 }} > 0
            and ({{ x1 }} + {{ x2 }}) > 0
            and ({{ x1 }} + {{ x2 }}) < ({{ n1 }} + {{ n2 }})
            then (
                cast({{ x2 }} as double) / {{ n2 }} - cast({{ x1 }} as double) / {{ n1 }}
            ) / sqrt(
                (cast({{ x1 }} + {{ x2 }} as double) / ({{ n1 }} + {{ n2 }}))
                * (1.0 - cast({{ x1 }} + {{ x2 }} as double) / ({{ n1 }} + {{ n2 }}))
                * (cast(1 as double) / {{ n1 }} + cast(1 as double) / {{ n2 }})
            )
    end
{%- endmacro %}


{#- The standard normal quantile Phi^-1(p) for 0 < p < 1 (null outside),
    by Acklam's rational approximation (relative error below 1.2e-9): a
    ratio of polynomials in (p - 1/2)^2 in the centre, and in
    sqrt(-2 ln p) in each tail (below p_low, above 1 - p_low).
    tests/python/test_growth.py checks it against scipy. It gives the z of
    a confidence interval of any level: Phi^-1(1 - alpha / 2). -#}
{% macro growth_normal_quantile(p) -%}
    {%- set central_numerator = [
        -39.69683028665376, 220.9460984245205, -275.9285104469687,
        138.3577518672690, -30.66479806614716, 2.506628277459239,
    ] -%}
    {%- set central_denominator = [
        -54.47609879822406, 161.5858368580409, -155.6989798598866,
        66.80131188771972, -13.28068155288572, 1.0,
    ] -%}
    {%- set tail_numerator = [
        -0.007784894002430293, -0.3223964580411365, -2.400758277161838,
        -2.549732539343734, 4.374664141464968, 2.938163982698783,
    ] -%}
    {%- set tail_denominator = [
        0.007784695709041462, 0.3224671290700398, 2.445134137142996,
        3.754408661907416, 1.0,
    ] -%}
    {%- set p_low = 0.02425 -%}
    {%- set probability = "cast(" ~ p ~ " as double)" -%}
    {%- set centred = "(" ~ probability ~ " - 0.5)" -%}
    {%- set lower_q = "sqrt(-2.0 * ln(" ~ probability ~ "))" -%}
    {%- set upper_q = "sqrt(-2.0 * ln(1.0 - " ~ probability ~ "))" -%}
    case
        when {{ probability }} <= 0 or {{ probability }} >= 1 then null
        when {{ probability }} < {{ p_low }} then
            {{ _growth_polynomial(tail_numerator, lower_q) }}
            / {{ _growth_polynomial(tail_denominator, lower_q) }}
        when {{ probability }} <= {{ 1 - p_low }} then
            {{ _growth_polynomial(central_numerator, centred ~ " * " ~ centred) }} * {{ centred }}
            / {{ _growth_polynomial(central_denominator, centred ~ " * " ~ centred) }}
        else
            -1.0 * {{ _growth_polynomial(tail_numerator, upper_q) }}
            / {{ _growth_polynomial(tail_denominator, upper_q) }}
    end
{%- endmacro %}


{#- c0 x^n + c1 x^(n-1) + ... + cn for the coefficients [c0, ..., cn], in
    Horner's form: (((c0 x + c1) x + c2) ... ) x + cn. -#}
{% macro _growth_polynomial(coefficients, x) -%}
    {%- set value = namespace(sql=coefficients[0] | string) -%}
    {%- for coefficient in coefficients[1:] -%}
        {%- set value.sql = "(" ~ value.sql ~ " * " ~ x ~ " + " ~ coefficient ~ ")" -%}
    {%- endfor -%}
    ({{ value.sql }})
{%- endmacro %}


{#- Upper-tail p-value of a chi-square statistic with the given degrees of
    freedom, P(X >= statistic), exactly from the regularised upper
    incomplete gamma function Q(k / 2, x / 2), which is a finite sum for a
    whole number of degrees of freedom k:
      Q = [k odd: erfc(sqrt(x / 2)) = 2 (1 - Phi(sqrt(x)))]
          + sum over j = 0 .. floor(k / 2) - 1 of
            exp(-x / 2) (x / 2)^(j + s) / Gamma(j + s + 1),  s = (k mod 2) / 2
    (each term computed through its logarithm, so a large statistic neither
    overflows nor divides infinity by infinity). 1 for a statistic of 0, 0
    for an infinite one, null without a statistic or with fewer than 1
    degree of freedom. tests/python/test_growth.py checks it against scipy.
    The default is DuckDB SQL (the range table function, lgamma and isinf);
    Spark has none of the three, see spark__growth_chi_square_p_value. -#}
{% macro growth_chi_square_p_value(statistic, degrees_of_freedom) -%}
    {{ return(adapter.dispatch('growth_chi_square_p_value', 'b2b_ops')(statistic, degrees_of_freedom)) }}
{%- endmacro %}

{% macro default__growth_chi_square_p_value(statistic, degrees_of_freedom) -%}
    {%- set x = "cast(" ~ statistic ~ " as double)" -%}
    {%- set k = "cast(" ~ degrees_of_freedom ~ " as integer)" -%}
    {%- set s = "((" ~ k ~ " % 2) / 2.0)" -%}
    case
        when {{ x }} is null or {{ k }} is null or {{ k }} < 1 then null
        when {{ x }} <= 0 then 1.0
        when isinf({{ x }}) then 0.0
        else
            (case when {{ k }} % 2 = 1 then 2.0 * (1.0 - {{ growth_normal_cdf('sqrt(' ~ x ~ ')') }}) else 0.0 end)
            + (
                select coalesce(sum(exp(
                    -{{ x }} / 2.0
                    + (series_terms.j + {{ s }}) * ln({{ x }} / 2.0)
                    - lgamma(series_terms.j + {{ s }} + 1.0)
                )), 0.0)
                from range(0, cast(floor({{ k }} / 2) as bigint)) as series_terms (j)
            )
    end
{%- endmacro %}


{#- The same sum on Spark: the terms j = 0 .. floor(k / 2) - 1 in one
    aggregate over sequence(), carrying log Gamma(j + s + 1) by the
    recurrence log Gamma(m + 1) = log Gamma(m) + ln m, from log Gamma(1) = 0
    and log Gamma(3/2) = ln(sqrt(pi) / 2). An infinite statistic compares
    equal to the double 'Infinity'. -#}
{% macro spark__growth_chi_square_p_value(statistic, degrees_of_freedom) -%}
    {%- set x = "cast(" ~ statistic ~ " as double)" -%}
    {%- set k = "cast(" ~ degrees_of_freedom ~ " as integer)" -%}
    {%- set s = "(cast(" ~ k ~ " % 2 as double) / 2)" -%}
    {%- set log_gamma_step = "(case when j = 0 then cast(0 as double) else ln(j + " ~ s ~ ") end)" -%}
    case
        when {{ x }} is null or {{ k }} is null or {{ k }} < 1 then null
        when {{ x }} <= 0 then 1.0
        when {{ x }} >= cast('Infinity' as double) then 0.0
        else
            (case when {{ k }} % 2 = 1 then 2.0 * (1.0 - {{ growth_normal_cdf('sqrt(' ~ x ~ ')') }}) else 0.0 end)
            + (case when {{ k }} >= 2 then aggregate(
                sequence(0, cast(floor({{ k }} / 2) as integer) - 1),
                named_struct(
                    'log_gamma', case when {{ k }} % 2 = 1 then ln(sqrt(pi()) / 2) else cast(0 as double) end,
                    'total', cast(0 as double)
                ),
                (terms, j) -> named_struct(
                    'log_gamma', terms.log_gamma + {{ log_gamma_step }},
                    'total', terms.total + exp(
                        -{{ x }} / 2.0
                        + (j + {{ s }}) * ln({{ x }} / 2.0)
                        - (terms.log_gamma + {{ log_gamma_step }})
                    )
                ),
                terms -> terms.total
            ) else 0.0 end)
    end
{%- endmacro %}
