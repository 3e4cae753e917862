-- Certification levels by cohort add up: the levels make the total, and from one cohort to the
-- next the total changes exactly by the cities newly certified, certified again and no longer
-- certified. The totals agree with the cities' latest levels in dim_cities at the last cohort.
with report as (
    select
        *,
        lag(total_certified) over (order by certification_cohort) as previous_total
    from {{ ref('rpt_certification_levels_by_year') }}
),

latest_levels as (
    select count(*) as certified
    from {{ ref('dim_cities') }}
    where latest_certification_level <> 'none'
),

last_cohort as (
    select max(certification_cohort) as certification_cohort
    from report
)

select certification_cohort, total_certified, 'levels do not add up' as problem
from report
where silver + gold + platinum <> total_certified
union all
select certification_cohort, total_certified, 'movements do not reconcile with the previous total'
from report
where total_certified
    <> coalesce(previous_total, 0) + newly_certified + certified_again - no_longer_certified
union all
select certification_cohort, total_certified, 'moves up split wrongly'
from report
where moved_up < moved_up_to_gold or moved_up < moved_up_to_platinum
union all
select
    report.certification_cohort, report.total_certified,
    'last cohort differs from dim_cities.latest_certification_level'
from report
cross join latest_levels
inner join last_cohort
    on report.certification_cohort = last_cohort.certification_cohort
where report.total_certified <> latest_levels.certified
