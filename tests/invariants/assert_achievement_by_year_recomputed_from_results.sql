-- The by-year mart, recomputed independently from the criterion results of the current
-- standard, summed per assessment and practice area (fct_practice_area_results, tied to the fact
-- by assert_practice_area_results_sum_the_criterion_results): one row per practice area and
-- assessment year, with the same assessments, results, criteria met and share (criteria met /
-- criterion results), no row missing or extra.
with results as (
    select * from {{ ref('fct_practice_area_results') }}
    where is_current_standard
),

expected as (
    select
        practice_area,
        assessment_year,
        count(*) as assessments,
        sum(criterion_results) as criterion_results,
        sum(criteria_met) as criteria_met
    from results
    group by practice_area, assessment_year
),

mart as (
    select * from {{ ref('fct_practice_area_achievement_by_year') }}
)

select
    coalesce(expected.practice_area, mart.practice_area) as practice_area,
    coalesce(expected.assessment_year, mart.assessment_year) as assessment_year,
    expected.assessments as expected_assessments,
    mart.assessments,
    expected.criterion_results as expected_results,
    mart.criterion_results,
    expected.criteria_met as expected_met,
    mart.criteria_met,
    mart.share_met
from expected
full outer join mart
    on expected.practice_area = mart.practice_area
    and expected.assessment_year = mart.assessment_year
where expected.practice_area is null
    or mart.practice_area is null
    or expected.assessments <> mart.assessments
    or expected.criterion_results <> mart.criterion_results
    or expected.criteria_met <> mart.criteria_met
    or abs(
        mart.share_met
        - cast(expected.criteria_met as {{ type_double() }}) / expected.criterion_results
    )
    > 1e-9
