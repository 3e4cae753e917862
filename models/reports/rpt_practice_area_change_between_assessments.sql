{#- The article's chart: for cities with more than one assessment under the current standard,
    the share of criteria met per practice area at one assessment and at the city's next one.
    Each row compares the same cities at assessment n and n + 1 (1 vs 2 is the article's "within
    a year"), so the change is not confounded by which cities applied.

    The city is the unit (macros/city_clustered_share.sql): each share's 95% interval is
    city-clustered, and the change has a paired, city-level interval (change_lower_95,
    change_upper_95) and a z-test whose p-value is Holm-adjusted across the report's rows.
    change_direction is 'up' or 'down' only when that adjusted p-value is below
    var('wwc_significance_level') (so the interval excludes zero), 'no clear change' otherwise. -#}
with assessments as (
    select * from {{ ref('fct_assessments') }}
    where is_current_standard
),

pairs as (
    -- A city's assessment n and its next one, n + 1, under the same (current) standard.
    select
        earlier.city_id,
        earlier.assessment_id as from_assessment_id,
        later.assessment_id as to_assessment_id,
        earlier.assessment_number as from_assessment_number,
        later.assessment_number as to_assessment_number,
        later.assessment_year - earlier.assessment_year as years_between
    from assessments as earlier
    inner join assessments as later
        on earlier.city_id = later.city_id
        and earlier.standard_version = later.standard_version
        and later.assessment_number = earlier.assessment_number + 1
),

results_by_assessment as (
    select assessment_id, practice_area, standard_version, criterion_results, criteria_met
    from {{ ref('fct_practice_area_results') }}
    where is_current_standard
),

by_city as (
    -- One row per city, practice area and pair of assessments: the city is the unit.
    select
        pairs.city_id,
        pairs.from_assessment_number,
        pairs.to_assessment_number,
        pairs.years_between,
        from_results.practice_area,
        from_results.standard_version,
        from_results.criterion_results as from_criterion_results,
        from_results.criteria_met as from_criteria_met,
        to_results.criterion_results as to_criterion_results,
        to_results.criteria_met as to_criteria_met
    from pairs
    inner join results_by_assessment as from_results
        on pairs.from_assessment_id = from_results.assessment_id
    inner join results_by_assessment as to_results
        on pairs.to_assessment_id = to_results.assessment_id
        and from_results.practice_area = to_results.practice_area
),

counted as (
    select
        practice_area,
        standard_version,
        from_assessment_number,
        to_assessment_number,
        count(*) as cities,
        avg(cast(years_between as {{ type_double() }})) as mean_years_between,
        sum(from_criterion_results) as from_criterion_results,
        sum(from_criteria_met) as from_criteria_met,
        sum(to_criterion_results) as to_criterion_results,
        sum(to_criteria_met) as to_criteria_met,
        cast(sum(from_criteria_met) as {{ type_double() }}) / sum(from_criterion_results)
            as from_share_met,
        cast(sum(to_criteria_met) as {{ type_double() }}) / sum(to_criterion_results)
            as to_share_met
    from by_city
    group by practice_area, standard_version, from_assessment_number, to_assessment_number
),

residuals as (
    -- Each city's residuals (macros/city_clustered_share.sql) against its practice area's and
    -- pair's shares, beside those shares.
    select
        counted.*,
        {{ city_residual('by_city.from_criteria_met', 'by_city.from_criterion_results',
            'counted.from_share_met', 'counted.from_criterion_results') }} as from_residual,
        {{ city_residual('by_city.to_criteria_met', 'by_city.to_criterion_results',
            'counted.to_share_met', 'counted.to_criterion_results') }} as to_residual
    from counted
    inner join by_city
        on counted.practice_area = by_city.practice_area
        and counted.standard_version = by_city.standard_version
        and counted.from_assessment_number = by_city.from_assessment_number
        and counted.to_assessment_number = by_city.to_assessment_number
),

measured as (
    -- Cluster-robust variances of each share and of the paired change, whose per-city residual
    -- is the difference of the city's two residuals (its own before-and-after pairing).
    select
        practice_area, standard_version, from_assessment_number, to_assessment_number, cities,
        mean_years_between, from_criterion_results, from_criteria_met, to_criterion_results,
        to_criteria_met, from_share_met, to_share_met,
        to_share_met - from_share_met as change_in_share_met,
        {{ cluster_robust_variance('from_residual') }} as from_variance,
        {{ cluster_robust_variance('to_residual') }} as to_variance,
        {{ cluster_robust_variance('(to_residual - from_residual)') }} as change_variance
    from residuals
    group by
        practice_area, standard_version, from_assessment_number, to_assessment_number, cities,
        mean_years_between, from_criterion_results, from_criteria_met, to_criterion_results,
        to_criteria_met, from_share_met, to_share_met
),

tested as (
    select
        measured.*,
        {{ normal_two_sided_p_value('change_in_share_met / nullif(sqrt(change_variance), 0)') }}
            as p_value,
        {{ effective_sample_size(
            'from_share_met', 'from_variance', 'from_criterion_results', 'cities') }}
            as from_effective_results,
        {{ effective_sample_size(
            'to_share_met', 'to_variance', 'to_criterion_results', 'cities') }}
            as to_effective_results
    from measured
),

holm as (
    {{ holm_steps('tested', 'p_value') }}
),

adjusted as (
    select
        holm.*,
        {{ holm_adjusted() }} as p_value_adjusted
    from holm
)

select
    practice_area,
    standard_version,
    from_assessment_number,
    to_assessment_number,
    cast(cities as integer) as cities,
    mean_years_between,
    cast(from_criterion_results as integer) as from_criterion_results,
    cast(from_criteria_met as integer) as from_criteria_met,
    from_share_met,
    {{ clustered_share_lower('from_share_met', 'from_effective_results') }}
        as from_share_met_lower_95,
    {{ clustered_share_upper('from_share_met', 'from_effective_results') }}
        as from_share_met_upper_95,
    cast(to_criterion_results as integer) as to_criterion_results,
    cast(to_criteria_met as integer) as to_criteria_met,
    to_share_met,
    {{ clustered_share_lower('to_share_met', 'to_effective_results') }}
        as to_share_met_lower_95,
    {{ clustered_share_upper('to_share_met', 'to_effective_results') }}
        as to_share_met_upper_95,
    change_in_share_met,
    -- A pair seen in one city has no variance to estimate: its interval is every possible
    -- change, and it is never called up or down (its p-value stays null).
    greatest(-1.0, coalesce(change_in_share_met - 1.96 * sqrt(change_variance), -1.0))
        as change_lower_95,
    least(1.0, coalesce(change_in_share_met + 1.96 * sqrt(change_variance), 1.0))
        as change_upper_95,
    p_value,
    p_value_adjusted,
    case
        when
            p_value_adjusted < {{ var('wwc_significance_level') }} and change_in_share_met > 0
            then 'up'
        when
            p_value_adjusted < {{ var('wwc_significance_level') }} and change_in_share_met < 0
            then 'down'
        else 'no clear change'
    end as change_direction
from adjusted
