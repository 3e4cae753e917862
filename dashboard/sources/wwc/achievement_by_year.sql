-- Trend by year: share of criteria met per practice area and assessment year (current standard).
select practice_area, assessment_year, assessments, criterion_results, criteria_met, share_met
from marts.fct_practice_area_achievement_by_year
order by practice_area, assessment_year
