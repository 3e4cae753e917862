select
    practice_area,
    from_assessment_number,
    cities,
    from_share_met,
    to_share_met,
    change_in_share_met
from reports.rpt_practice_area_change_between_assessments
order by from_assessment_number, practice_area
