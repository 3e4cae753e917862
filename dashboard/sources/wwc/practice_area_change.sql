-- Improvement between assessments: the same cities at their nth and (n+1)th assessment.
select
    practice_area,
    from_assessment_number,
    to_assessment_number,
    cities,
    mean_years_between,
    from_share_met,
    from_share_met_lower_95,
    from_share_met_upper_95,
    to_share_met,
    to_share_met_lower_95,
    to_share_met_upper_95,
    change_in_share_met,
    change_lower_95,
    change_upper_95,
    p_value_adjusted,
    change_direction,
    case change_direction
        when 'up' then 'clear rise'
        when 'down' then 'clear fall'
        else 'no clear change'
    end as finding
from reports.rpt_practice_area_change_between_assessments
order by from_assessment_number, practice_area
