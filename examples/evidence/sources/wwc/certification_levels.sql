select certification_cohort, silver, gold, platinum, total_certified
from reports.rpt_certification_levels_by_year
order by certification_cohort
