-- The achievement-by-group reports split the current-standard results without losing or
-- double-counting any: per practice area, their groups add up to the year mart's totals, and
-- their cities and assessments to those in the facts.
with by_year as (
    select
        practice_area,
        sum(criterion_results) as criterion_results,
        sum(criteria_met) as criteria_met
    from {{ ref('fct_practice_area_achievement_by_year') }}
    group by practice_area
),

current_assessments as (
    select count(*) as assessments, count(distinct city_id) as cities
    from {{ ref('fct_assessments') }}
    where is_current_standard
),

reports as (
    select
        'rpt_achievement_by_form_of_government' as report,
        practice_area,
        sum(criterion_results) as criterion_results,
        sum(criteria_met) as criteria_met,
        sum(assessments) as assessments,
        sum(cities) as cities
    from {{ ref('rpt_achievement_by_form_of_government') }}
    group by practice_area
    union all
    select
        'rpt_achievement_by_population_band',
        practice_area,
        sum(criterion_results),
        sum(criteria_met),
        sum(assessments),
        sum(cities)
    from {{ ref('rpt_achievement_by_population_band') }}
    group by practice_area
),

reports_expected as (
    select 'rpt_achievement_by_form_of_government' as report
    union all
    select 'rpt_achievement_by_population_band'
)

select
    reports.*, by_year.criterion_results as expected_results, by_year.criteria_met as expected_met
from reports
cross join current_assessments
left join by_year
    on reports.practice_area = by_year.practice_area
where by_year.practice_area is null
    or reports.criterion_results <> by_year.criterion_results
    or reports.criteria_met <> by_year.criteria_met
    or reports.assessments <> current_assessments.assessments
    or reports.cities <> current_assessments.cities
union all
-- Every practice area of the year mart appears in both reports.
select
    'missing from ' || reports_expected.report, by_year.practice_area, null, null, null, null,
    null, null
from by_year
cross join reports_expected
left join reports
    on by_year.practice_area = reports.practice_area
    and reports_expected.report = reports.report
where reports.practice_area is null
