-- The achievement-by-group reports, cell by cell, recomputed from the criterion results of the
-- current standard and each city's group in dim_cities: cities, assessments, results and
-- criteria met per group x practice area, and the small-group flag, with no cell missing or extra.
with results as (
    select * from {{ ref('fct_criterion_results') }}
    where is_current_standard
),

cities as (
    select * from {{ ref('dim_cities') }}
),

expected as (
    select
        'rpt_achievement_by_form_of_government' as report,
        coalesce(cities.form_of_government, 'unknown') as group_value,
        results.practice_area,
        count(distinct results.city_id) as cities,
        count(distinct results.assessment_id) as assessments,
        count(*) as criterion_results,
        sum(case when results.is_met then 1 else 0 end) as criteria_met
    from results
    inner join cities
        on results.city_id = cities.city_id
    group by coalesce(cities.form_of_government, 'unknown'), results.practice_area
    union all
    select
        'rpt_achievement_by_population_band',
        coalesce(cities.population_band, 'unknown'),
        results.practice_area,
        count(distinct results.city_id),
        count(distinct results.assessment_id),
        count(*),
        sum(case when results.is_met then 1 else 0 end)
    from results
    inner join cities
        on results.city_id = cities.city_id
    group by coalesce(cities.population_band, 'unknown'), results.practice_area
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
