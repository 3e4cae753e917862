-- Certified cities per certification year (announcement year = assessment year + 1).
select
    certification_cohort as certification_year,
    assessments,
    silver,
    gold,
    platinum,
    total_certified,
    newly_certified,
    moved_up
from reports.rpt_certification_levels_by_year
order by certification_cohort;
