-- Share of criteria met per practice area and assessment year (current standard), one column
-- per year.
pivot (
    select practice_area, assessment_year, round(100 * share_met, 1) as pct_met
    from marts.fct_practice_area_achievement_by_year
)
on assessment_year
using first(pct_met)
order by practice_area;
