-- The by-year mart, recomputed independently from the criterion results of the current
-- standard: one row per practice area and assessment year, with the same assessments,
-- results, criteria met and share (criteria met / criterion results), no row missing or extra.
with results as (
    select * from {{ ref('fct_criterion_results') }}
),

current_standard as (
    select max(standard_version) as standard_version from results
),

expected as (
    select
        results.practice_area,
        results.assessment_year,
        count(distinct results.assessment_id) as assessments,
        count(*) as criterion_results,
        sum(case when results.is_met then 1 else 0 end) as criteria_met
    from results
    inner join current_standard
        on results.standard_version = current_standard.standard_version
    group by results.practice_area, results.assessment_year
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
