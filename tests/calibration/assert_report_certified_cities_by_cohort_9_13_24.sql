-- Published: 9 cities certified in the 2018 cohort (1 gold, 8 silver), 13 in 2019 and 24 in 2020,
-- when 8 cities held gold and 2 platinum; by then six cities had leveled up to gold and two to
-- platinum. Read from the report, as an analyst would.
with expected as (
    select
        2018 as certification_cohort, 9 as total_certified, 8 as silver, 1 as gold,
        0 as platinum, 0 as moved_up_to_gold_to_date, 0 as moved_up_to_platinum_to_date
    union all
    select 2019, 13, 9, 4, 0, 3, 0
    union all
    select 2020, 24, 14, 8, 2, 6, 2
)

select
    expected.certification_cohort, report.total_certified, report.silver, report.gold,
    report.platinum, report.moved_up_to_gold_to_date, report.moved_up_to_platinum_to_date
from expected
left join {{ ref('rpt_certification_levels_by_year') }} as report
    on expected.certification_cohort = report.certification_cohort
where report.certification_cohort is null
    or report.total_certified <> expected.total_certified
    or report.silver <> expected.silver
    or report.gold <> expected.gold
    or report.platinum <> expected.platinum
    or report.moved_up_to_gold_to_date <> expected.moved_up_to_gold_to_date
    or report.moved_up_to_platinum_to_date <> expected.moved_up_to_platinum_to_date
