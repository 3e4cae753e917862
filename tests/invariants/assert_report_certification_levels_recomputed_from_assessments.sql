-- Certification levels by cohort, recomputed from the assessments: at each certification cohort
-- a city holds the level of its latest assessment announced by then (by submission date, then
-- id); the report's cities per level, total and newly certified (certified now, at no earlier
-- cohort) match, and every cohort of the assessments has its row.
with assessments as (
    select * from {{ ref('fct_assessments') }}
),

cohorts as (
    select distinct certification_cohort from assessments
),

held as (
    select
        cohorts.certification_cohort,
        assessments.city_id,
        assessments.certification_level,
        row_number() over (
            partition by cohorts.certification_cohort, assessments.city_id
            order by assessments.submitted_date desc, assessments.assessment_id desc
        ) as recency
    from cohorts
    inner join assessments
        on cohorts.certification_cohort >= assessments.certification_cohort
),

certified as (
    select certification_cohort, city_id, certification_level
    from held
    where recency = 1 and certification_level <> 'none'
),

first_certified as (
    select city_id, min(certification_cohort) as first_cohort
    from certified
    group by city_id
),

expected as (
    select
        cohorts.certification_cohort,
        sum(case when certified.certification_level = 'silver' then 1 else 0 end) as silver,
        sum(case when certified.certification_level = 'gold' then 1 else 0 end) as gold,
        sum(case when certified.certification_level = 'platinum' then 1 else 0 end) as platinum,
        count(certified.city_id) as total_certified,
        sum(case when first_certified.first_cohort = cohorts.certification_cohort then 1 else 0 end)
            as newly_certified
    from cohorts
    left join certified
        on cohorts.certification_cohort = certified.certification_cohort
    left join first_certified
        on certified.city_id = first_certified.city_id
    group by cohorts.certification_cohort
),

report as (
    select * from {{ ref('rpt_certification_levels_by_year') }}
)

select
    coalesce(expected.certification_cohort, report.certification_cohort) as certification_cohort,
    expected.silver as expected_silver,
    report.silver,
    expected.gold as expected_gold,
    report.gold,
    expected.platinum as expected_platinum,
    report.platinum,
    expected.total_certified as expected_total,
    report.total_certified,
    expected.newly_certified as expected_new,
    report.newly_certified
from expected
full outer join report
    on expected.certification_cohort = report.certification_cohort
where expected.certification_cohort is null
    or report.certification_cohort is null
    or expected.silver <> report.silver
    or expected.gold <> report.gold
    or expected.platinum <> report.platinum
    or expected.total_certified <> report.total_certified
    or expected.newly_certified <> report.newly_certified
