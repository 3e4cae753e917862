-- The by-cohort mart, recomputed independently: each city's entry cohort is the year of its
-- first assessment under the current standard (from the assessments, not dim_cities), each
-- assessment's number is its rank in the city's current-standard history by submission date
-- (then id), and the counts and share come from the criterion results summed per assessment and
-- practice area (fct_practice_area_results, tied to the fact by
-- assert_practice_area_results_sum_the_criterion_results).
with assessments as (
    select * from {{ ref('fct_assessments') }}
),

results as (
    select * from {{ ref('fct_practice_area_results') }}
),

current_standard as (
    select max(standard_version) as standard_version
    from assessments
),

current_assessments as (
    select assessments.*
    from assessments
    inner join current_standard
        on assessments.standard_version = current_standard.standard_version
),

numbered as (
    select
        assessment_id,
        min(assessment_year) over (partition by city_id) as entry_cohort,
        row_number() over (
            partition by city_id order by submitted_date, assessment_id
        ) as assessment_number
    from current_assessments
),

expected as (
    select
        results.practice_area,
        numbered.entry_cohort,
        numbered.assessment_number,
        count(*) as assessments,
        sum(results.criterion_results) as criterion_results,
        sum(results.criteria_met) as criteria_met
    from results
    inner join numbered
        on results.assessment_id = numbered.assessment_id
    group by results.practice_area, numbered.entry_cohort, numbered.assessment_number
),

mart as (
    select * from {{ ref('fct_practice_area_achievement_by_cohort') }}
)

select
    coalesce(expected.practice_area, mart.practice_area) as practice_area,
    coalesce(expected.entry_cohort, mart.entry_cohort) as entry_cohort,
    coalesce(expected.assessment_number, mart.assessment_number) as assessment_number,
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
    and expected.entry_cohort = mart.entry_cohort
    and expected.assessment_number = mart.assessment_number
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
