-- The change report pairs every city that has an nth and an (n+1)th assessment under the current
-- standard, and each side counts all criteria of the practice area for each such city.
with assessments as (
    select * from {{ ref('fct_assessments') }}
    where is_current_standard
),

expected_pairs as (
    select earlier.assessment_number as from_assessment_number, count(*) as cities
    from assessments as earlier
    inner join assessments as later
        on earlier.city_id = later.city_id
        and later.assessment_number = earlier.assessment_number + 1
    group by earlier.assessment_number
),

area_criteria as (
    select criteria.practice_area, count(*) as criteria
    from {{ ref('dim_criteria') }} as criteria
    where criteria.standard_version = (select max(assessments.standard_version) from assessments)
    group by criteria.practice_area
),

expected as (
    select
        expected_pairs.from_assessment_number, expected_pairs.cities,
        area_criteria.practice_area, area_criteria.criteria
    from expected_pairs
    cross join area_criteria
)

select
    expected.*, report.cities as report_cities,
    report.from_criterion_results, report.to_criterion_results
from expected
left join {{ ref('rpt_practice_area_change_between_assessments') }} as report
    on expected.practice_area = report.practice_area
    and expected.from_assessment_number = report.from_assessment_number
where report.practice_area is null
    or report.cities <> expected.cities
    or report.to_assessment_number <> expected.from_assessment_number + 1
    or report.from_criterion_results <> expected.cities * expected.criteria
    or report.to_criterion_results <> expected.cities * expected.criteria
    or abs(report.change_in_share_met - (report.to_share_met - report.from_share_met)) > 1e-12
