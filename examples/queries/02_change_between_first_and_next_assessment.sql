-- The article's chart: the same cities at their first and second assessment, per practice area.
select
    practice_area,
    cities,
    round(100 * from_share_met, 1) as pct_met_first,
    round(100 * to_share_met, 1) as pct_met_next,
    round(100 * change_in_share_met, 1) as change_pts,
    -- The intervals come from the same cities, so non-overlap is a conservative test.
    to_share_met_lower_95 > from_share_met_upper_95 as clearly_up
from reports.rpt_practice_area_change_between_assessments
where from_assessment_number = 1
order by change_in_share_met desc;
