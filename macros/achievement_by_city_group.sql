{#- Achievement per group of cities x practice area under the current standard: the shared body
    of rpt_achievement_by_form_of_government and rpt_achievement_by_population_band.

    group_column: the dim_cities column (or expression over `cities`) that defines the group;
    the report names it group_name. Cities with a null group fall in 'unknown'.
    order_column, order_name (optional): an integer expression over `cities` that sorts the
    groups (null for 'unknown'), output as order_name after the group.

    The city is the unit (macros/city_clustered_share.sql): each city contributes its results
    over all its current-standard assessments (its row of int_city_practice_area_results), the
    share's 95% interval is city-clustered, and the group is compared with the other cities (not
    with a pooled share that includes it) by a z-test on the difference of the two shares, whose
    variance is the sum of the two groups' cluster-robust variances. p_value_adjusted is Holm's
    across the report's comparisons (every group x practice area that is not a small group);
    differs_from_other_cities is true only when it is below var('wwc_significance_level'). A
    group with fewer than var('wwc_min_cities_to_compare') cities is is_small_group: never
    tested, never flagged. -#}
{% macro achievement_by_city_group(group_column, group_name, order_column=none, order_name=none) -%}
with results as (
    select * from {{ ref('int_city_practice_area_results') }}
),

cities as (
    select * from {{ ref('dim_cities') }}
),

by_city as (
    select
        results.city_id,
        coalesce({{ group_column }}, 'unknown') as group_value,
        {{ order_column if order_column else 'cast(null as integer)' }} as group_order,
        results.practice_area,
        results.standard_version,
        results.assessments,
        results.criterion_results,
        results.criteria_met
    from results
    inner join cities
        on results.city_id = cities.city_id
),

by_area as (
    select
        practice_area,
        count(*) as cities,
        sum(criterion_results) as criterion_results,
        sum(criteria_met) as criteria_met,
        {{ city_square_sums('criteria_met', 'criterion_results') }}
    from by_city
    group by practice_area
),

by_group as (
    select
        group_value,
        max(group_order) as group_order,
        practice_area,
        standard_version,
        count(*) as cities,
        sum(assessments) as assessments,
        sum(criterion_results) as criterion_results,
        sum(criteria_met) as criteria_met,
        cast(sum(criteria_met) as {{ type_double() }}) / sum(criterion_results) as share_met,
        {{ city_square_sums('criteria_met', 'criterion_results') }}
    from by_city
    group by group_value, practice_area, standard_version
),

with_others as (
    -- The other cities of the same practice area: the area's sums less the group's.
    select
        by_group.*,
        cast(by_area.criteria_met as {{ type_double() }}) / by_area.criterion_results as share_met_all_groups,
        cast(by_area.criteria_met - by_group.criteria_met as {{ type_double() }})
            / nullif(by_area.criterion_results - by_group.criterion_results, 0) as share_met_other_cities,
        by_area.criterion_results - by_group.criterion_results as other_criterion_results,
        by_area.cities - by_group.cities as other_cities,
        by_area.met_squared - by_group.met_squared as other_met_squared,
        by_area.met_times_results - by_group.met_times_results as other_met_times_results,
        by_area.results_squared - by_group.results_squared as other_results_squared
    from by_group
    inner join by_area
        on by_group.practice_area = by_area.practice_area
),

measured as (
    select
        with_others.*,
        -- The group's own cities around the group's share; every other city around theirs.
        {{ cluster_robust_variance_from_sums(
            'cities', 'met_squared', 'met_times_results', 'results_squared',
            'share_met', 'criterion_results') }} as share_met_variance,
        {{ cluster_robust_variance_from_sums(
            'other_cities', 'other_met_squared', 'other_met_times_results', 'other_results_squared',
            'share_met_other_cities', 'other_criterion_results') }} as other_variance
    from with_others
),

standardized as (
    -- Each group's effective sample size, and its difference from the other cities in standard
    -- errors (for the groups that are compared).
    select
        group_value, group_order, practice_area, standard_version, cities, assessments,
        criterion_results, criteria_met, share_met, share_met_all_groups, share_met_other_cities,
        {{ effective_sample_size(
            'share_met', 'share_met_variance', 'criterion_results', 'cities') }}
            as effective_results,
        cities < {{ var('wwc_min_cities_to_compare') }} as is_small_group,
        case
            when cities >= {{ var('wwc_min_cities_to_compare') }}
                and share_met_other_cities is not null
                then (share_met - share_met_other_cities)
                    / nullif(sqrt(share_met_variance + other_variance), 0)
        end as difference_z
    from measured
),

tested as (
    select
        standardized.*,
        {{ normal_two_sided_p_value('difference_z') }} as p_value
    from standardized
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
    group_value as {{ group_name }},
    {%- if order_name %}
    cast(group_order as integer) as {{ order_name }},
    {%- endif %}
    practice_area,
    standard_version,
    cast(cities as integer) as cities,
    cast(assessments as integer) as assessments,
    cast(criterion_results as integer) as criterion_results,
    cast(criteria_met as integer) as criteria_met,
    share_met,
    {{ clustered_share_lower('share_met', 'effective_results') }} as share_met_lower_95,
    {{ clustered_share_upper('share_met', 'effective_results') }} as share_met_upper_95,
    share_met_all_groups,
    share_met_other_cities,
    is_small_group,
    p_value,
    p_value_adjusted,
    coalesce(p_value_adjusted < {{ var('wwc_significance_level') }}, false) as differs_from_other_cities
from adjusted
{%- endmacro %}
