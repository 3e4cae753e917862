-- Certification by year: cities at each level per certification cohort (assessment year + 1).
select *
from reports.rpt_certification_levels_by_year
order by certification_cohort
