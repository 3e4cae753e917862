-- The article's chart: the same cities at their first and second assessment, per practice area.
-- The change has a paired, city-level 95% interval; change_direction is 'up' or 'down' only
-- when the change survives Holm's correction across the report ('no clear change' otherwise).
select
    practice_area,
    cities,
    round(100 * from_share_met, 1) as pct_met_first,
    round(100 * to_share_met, 1) as pct_met_next,
    round(100 * change_in_share_met, 1) as change_pts,
    round(100 * change_lower_95, 1) as change_pts_lower_95,
    round(100 * change_upper_95, 1) as change_pts_upper_95,
    round(p_value_adjusted, 4) as p_value_adjusted,
    change_direction
from reports.rpt_practice_area_change_between_assessments
where from_assessment_number = 1
order by change_in_share_met desc;
