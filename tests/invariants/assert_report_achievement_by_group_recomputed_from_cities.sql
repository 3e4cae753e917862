-- The achievement-by-group reports, cell by cell, recomputed by a plain group-by from the rows
-- they read: each city's current-standard results per practice area
-- (int_city_practice_area_results) and each city's group in dim_cities: cities, assessments,
-- results and criteria met per group x practice area, and the small-group flag, with no cell
-- missing or extra. What this checks is the reports' grouping, joins and flag; a city counts as
-- its one row per area (the model's grain test).
-- The city rows themselves are tied to fct_practice_area_results, and it to the fact, on the
-- cities and assessments the build wrote (every one on a full build:
-- assert_city_practice_area_results_sum_the_practice_area_results,
-- assert_practice_area_results_sum_the_criterion_results); on a refresh the other rows are the
-- published warehouse's, which passed the same checks, and
-- assert_report_achievement_by_group_reconciles_with_marts still checks each practice area's
-- totals over every city.
with city_results as (
    select * from {{ ref('int_city_practice_area_results') }}
),

cities as (
    select * from {{ ref('dim_cities') }}
),

expected as (
    select
        'rpt_achievement_by_form_of_government' as report,
        coalesce(cities.form_of_government, 'unknown') as group_value,
        city_results.practice_area,
        count(*) as cities,
        sum(city_results.assessments) as assessments,
        sum(city_results.criterion_results) as criterion_results,
        sum(city_results.criteria_met) as criteria_met
    from city_results
    inner join cities
        on city_results.city_id = cities.city_id
    group by coalesce(cities.form_of_government, 'unknown'), city_results.practice_area
    union all
    select
        'rpt_achievement_by_population_band',
        coalesce(cities.population_band, 'unknown'),
        city_results.practice_area,
        count(*),
        sum(city_results.assessments),
        sum(city_results.criterion_results),
        sum(city_results.criteria_met)
    from city_results
    inner join cities
        on city_results.city_id = cities.city_id
    group by coalesce(cities.population_band, 'unknown'), city_results.practice_area
),

reported as (
    select
        'rpt_achievement_by_form_of_government' as report,
        form_of_government as group_value,
        practice_area,
        cities,
        assessments,
        criterion_results,
        criteria_met,
        is_small_group
    from {{ ref('rpt_achievement_by_form_of_government') }}
    union all
    select
        'rpt_achievement_by_population_band',
        population_band,
        practice_area,
        cities,
        assessments,
        criterion_results,
        criteria_met,
        is_small_group
    from {{ ref('rpt_achievement_by_population_band') }}
)

select
    coalesce(expected.report, reported.report) as report,
    coalesce(expected.group_value, reported.group_value) as group_value,
    coalesce(expected.practice_area, reported.practice_area) as practice_area,
    expected.cities as expected_cities,
    reported.cities,
    expected.criterion_results as expected_results,
    reported.criterion_results,
    expected.criteria_met as expected_met,
    reported.criteria_met
from expected
full outer join reported
    on expected.report = reported.report
    and expected.group_value = reported.group_value
    and expected.practice_area = reported.practice_area
where expected.report is null
    or reported.report is null
    or expected.cities <> reported.cities
    or expected.assessments <> reported.assessments
    or expected.criterion_results <> reported.criterion_results
    or expected.criteria_met <> reported.criteria_met
    or reported.is_small_group <> (expected.cities < {{ var('wwc_min_cities_to_compare') }})
