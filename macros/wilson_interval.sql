{#- Wilson score interval for a binomial share `successes / trials` (z = 1.96: 95%).

        (x + z^2/2  -/+  z * sqrt(x * (n - x) / n + z^2/4)) / (n + z^2)

    This is the usual form (p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n) multiplied
    through by n, which avoids dividing small numbers. Unlike the normal (Wald) interval it stays
    inside [0, 1] and is sensible for shares near 0 or 1 and for small n. At x = 0 the lower
    bound is exactly 0 and at x = n the upper bound exactly 1 (the formula gives them up to
    floating-point rounding); otherwise the bounds are clamped to [0, 1]. Null when trials is 0
    or null. The interval treats the trials as independent: when they cluster (criterion results
    within one assessment or one city), it is narrower than the true uncertainty.

    Portable SQL only (sqrt, greatest, least, case): runs on DuckDB, PostgreSQL and Spark. -#}
{% macro wilson_interval(successes, trials, bound, z=1.96) -%}
    {%- if bound not in ('lower', 'upper') -%}
        {{ exceptions.raise_compiler_error("wilson_interval: bound must be 'lower' or 'upper', got " ~ bound) }}
    {%- endif -%}
    {%- set x = 'cast(' ~ successes ~ ' as ' ~ type_double() ~ ')' -%}
    {%- set n = 'cast(' ~ trials ~ ' as ' ~ type_double() ~ ')' -%}
    {%- set sign = '-' if bound == 'lower' else '+' -%}
    case
        when {{ trials }} is null or {{ trials }} <= 0 then null
        {%- if bound == 'lower' %}
        when {{ successes }} <= 0 then 0.0
        {%- else %}
        when {{ successes }} >= {{ trials }} then 1.0
        {%- endif %}
        else {{ 'greatest(0.0, ' if bound == 'lower' else 'least(1.0, ' }}
            ({{ x }} + {{ z }} * {{ z }} / 2.0
                {{ sign }} {{ z }} * sqrt({{ x }} * ({{ n }} - {{ x }}) / {{ n }} + {{ z }} * {{ z }} / 4.0))
            / ({{ n }} + {{ z }} * {{ z }}))
    end
{%- endmacro %}

{#- Lower bound of the 95% Wilson interval of successes / trials. -#}
{% macro wilson_lower(successes, trials, z=1.96) -%}
    {{ wilson_interval(successes, trials, 'lower', z) }}
{%- endmacro %}

{#- Upper bound of the 95% Wilson interval of successes / trials. -#}
{% macro wilson_upper(successes, trials, z=1.96) -%}
    {{ wilson_interval(successes, trials, 'upper', z) }}
{%- endmacro %}
