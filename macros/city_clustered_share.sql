{#- The city is the unit of uncertainty. A share of criteria met is a ratio of sums,
    p = sum(met_c) / sum(results_c) over the G cities c behind it; the results of one city (its
    criteria, its repeat assessments) are not independent trials, so the variance is the
    cluster-robust (sandwich, linearized) one, with each city as one cluster:

        var(p) = G / (G - 1) * sum(r_c ^ 2),   r_c = (met_c - p * results_c) / sum(results_c)

    A difference between two disjoint groups of cities adds their variances; a paired difference
    within the same cities (assessment n and n + 1) sums the squared per-city differences of the
    two residuals. The 95% interval of a share is Wilson's score interval on the effective sample
    size n_eff = p (1 - p) / var(p) (Korn and Graubard's approach for clustered samples), capped
    at the number of criterion results, so that it stays inside [0, 1], is asymmetric near 0 and
    1, and never claims more precision than independent results would; when the share is 0 or 1
    (no variance to estimate) n_eff is the number of cities, one trial per city.

    Portable SQL (sqrt, exp, abs, least, greatest, windows): DuckDB, PostgreSQL and Spark. -#}

{#- A city's residual in the linearized variance of a share (r_c above). -#}
{% macro city_residual(met, results, share, total_results) -%}
    (cast({{ met }} as {{ type_double() }}) - {{ share }} * {{ results }}) / nullif({{ total_results }}, 0)
{%- endmacro %}

{#- Aggregate over one row per city: the cluster-robust variance from the cities' residuals. -#}
{% macro cluster_robust_variance(residual) -%}
    cast(count(*) as {{ type_double() }}) / nullif(count(*) - 1, 0) * sum({{ residual }} * {{ residual }})
{%- endmacro %}

{#- The effective number of independent results behind a share (see above). -#}
{% macro effective_sample_size(share, variance, results, cities) -%}
    case
        when {{ variance }} is null or {{ variance }} <= 0 then cast({{ cities }} as {{ type_double() }})
        else greatest(1.0, least(
            cast({{ results }} as {{ type_double() }}),
            {{ share }} * (1.0 - {{ share }}) / {{ variance }}
        ))
    end
{%- endmacro %}

{#- Bounds of the city-clustered 95% interval of a share, given the column that holds its
    effective_sample_size. Wilson's formula names n nine times in the lower bound and ten in the
    upper: a model works n out once, in a CTE column, so that the compiled SQL (what dbt sends,
    what sqlfluff parses) states it once. -#}
{% macro clustered_share_lower(share, effective_results) -%}
    {{ wilson_lower('(' ~ share ~ ') * (' ~ effective_results ~ ')', effective_results) }}
{%- endmacro %}

{% macro clustered_share_upper(share, effective_results) -%}
    {{ wilson_upper('(' ~ share ~ ') * (' ~ effective_results ~ ')', effective_results) }}
{%- endmacro %}

{#- The same variance without a second pass over the cities. With M = sum(met_c),
    R = sum(results_c) and p = M / R, the sum of squared residuals expands to
        sum(r_c ^ 2) = (sum(met_c ^ 2) - 2 p sum(met_c results_c) + p ^ 2 sum(results_c ^ 2)) / R ^ 2,
    so a group needs only these three sums (city_square_sums, over its one row per city), and
    the other cities' sums are the whole's less the group's. The sums are of whole numbers, exact
    in a double; rounding in the expansion is clipped at 0 (a share of 0 or 1 gives exactly 0). -#}
{% macro city_square_sums(met, results) -%}
    sum(cast({{ met }} as {{ type_double() }}) * {{ met }}) as met_squared,
    sum(cast({{ met }} as {{ type_double() }}) * {{ results }}) as met_times_results,
    sum(cast({{ results }} as {{ type_double() }}) * {{ results }}) as results_squared
{%- endmacro %}

{% macro cluster_robust_variance_from_sums(cities, met_squared, met_times_results, results_squared, share, total_results) -%}
    cast({{ cities }} as {{ type_double() }}) / nullif({{ cities }} - 1, 0)
    * greatest(0.0, {{ met_squared }} - 2.0 * {{ share }} * {{ met_times_results }}
        + {{ share }} * {{ share }} * {{ results_squared }})
    / nullif(cast({{ total_results }} as {{ type_double() }}) * {{ total_results }}, 0)
{%- endmacro %}
