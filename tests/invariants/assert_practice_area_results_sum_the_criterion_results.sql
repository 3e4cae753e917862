-- fct_practice_area_results, which the achievement marts, the change report, the group reports'
-- per-city sums and the invariants that recompute them read, is the criterion results summed
-- per assessment and practice area, with each assessment's attributes: every rewritten
-- assessment has the same rows, counts and attributes as the fact summed anew, no row missing
-- or extra. Checked on the
-- assessments the build wrote (all of them on a full build, a refresh's scope on a refresh:
-- macros/refresh_scope.sql); the other rows are the published warehouse's, which
-- passed the same check.
with rewritten as (
    {{ assessments_rewritten() }}
),

results as (
    select * from {{ ref('fct_criterion_results') }}
    where assessment_id in (select rewritten.assessment_id from rewritten)
),

practice_area_results as (
    select * from {{ ref('fct_practice_area_results') }}
    where assessment_id in (select rewritten.assessment_id from rewritten)
),

expected as (
    select
        assessment_id,
        practice_area,
        city_id,
        assessment_year,
        assessment_number,
        standard_version,
        is_current_standard,
        count(*) as criterion_results,
        sum(case when is_met then 1 else 0 end) as criteria_met
    from results
    group by
        assessment_id, practice_area, city_id, assessment_year, assessment_number,
        standard_version, is_current_standard
)

select
    coalesce(expected.assessment_id, practice_area_results.assessment_id) as assessment_id,
    coalesce(expected.practice_area, practice_area_results.practice_area) as practice_area,
    expected.criterion_results as expected_results,
    practice_area_results.criterion_results,
    expected.criteria_met as expected_met,
    practice_area_results.criteria_met
from expected
full outer join practice_area_results
    on expected.assessment_id = practice_area_results.assessment_id
    and expected.practice_area = practice_area_results.practice_area
where expected.assessment_id is null
    or practice_area_results.assessment_id is null
    or expected.criterion_results <> practice_area_results.criterion_results
    or expected.criteria_met <> practice_area_results.criteria_met
    or expected.city_id <> practice_area_results.city_id
    or expected.assessment_year <> practice_area_results.assessment_year
    or expected.assessment_number <> practice_area_results.assessment_number
    or expected.standard_version <> practice_area_results.standard_version
    or expected.is_current_standard <> practice_area_results.is_current_standard
