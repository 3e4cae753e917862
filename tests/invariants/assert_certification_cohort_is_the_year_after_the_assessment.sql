-- The certification cohort is the announcement year, the year after the assessment (as the
-- article counts it: the 2018 cohort comes from the 2017 assessments).
select assessment_id, assessment_year, certification_cohort
from {{ ref('fct_assessments') }}
where certification_cohort <> assessment_year + 1
