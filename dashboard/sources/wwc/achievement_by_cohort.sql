-- Trend by cohort: share met per practice area, entry cohort and the cities' nth assessment.
select
    practice_area,
    entry_cohort,
    assessment_number,
    entry_cohort || ' cohort, assessment ' || assessment_number as cohort_assessment,
    assessments,
    criterion_results,
    criteria_met,
    share_met
from marts.fct_practice_area_achievement_by_cohort
order by practice_area, entry_cohort, assessment_number
