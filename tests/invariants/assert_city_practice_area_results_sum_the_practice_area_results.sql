-- int_city_practice_area_results, which the achievement-by-group reports read, is the
-- current-standard rows of fct_practice_area_results summed per city and practice area: every
-- rewritten city has the same rows, assessments and sums as its assessments summed anew, no row
-- missing or extra. Checked on the cities the build wrote (all of them on a full build, a
-- refresh's scope on a refresh: macros/refresh_scope.sql); the other rows are the
-- published warehouse's, which passed the same check.
with rewritten as (
    {{ cities_rewritten() }}
),

practice_area_results as (
    select * from {{ ref('fct_practice_area_results') }}
    where is_current_standard
        and city_id in (select rewritten.city_id from rewritten)
),

city_results as (
    select * from {{ ref('int_city_practice_area_results') }}
    where city_id in (select rewritten.city_id from rewritten)
),

expected as (
    select
        city_id,
        practice_area,
        standard_version,
        count(*) as assessments,
        sum(criterion_results) as criterion_results,
        sum(criteria_met) as criteria_met
    from practice_area_results
    group by city_id, practice_area, standard_version
)

select
    coalesce(expected.city_id, city_results.city_id) as city_id,
    coalesce(expected.practice_area, city_results.practice_area) as practice_area,
    expected.standard_version as expected_standard_version,
    city_results.standard_version,
    expected.assessments as expected_assessments,
    city_results.assessments,
    expected.criterion_results as expected_results,
    city_results.criterion_results,
    expected.criteria_met as expected_met,
    city_results.criteria_met
from expected
full outer join city_results
    on expected.city_id = city_results.city_id
    and expected.practice_area = city_results.practice_area
where expected.city_id is null
    or city_results.city_id is null
    or expected.assessments <> city_results.assessments
    or expected.criterion_results <> city_results.criterion_results
    or expected.criteria_met <> city_results.criteria_met
    or expected.standard_version <> city_results.standard_version
