-- Published (the article's chart): from a city's first to its second assessment, achievement
-- rose in every practice area except Repurposing. Read from the report, as an analyst would.
-- The published figure is the direction of the point estimates; whether each change is
-- distinguishable from noise (change_direction) is the report's own finding, not calibrated.
with first_to_second as (
    select * from {{ ref('rpt_practice_area_change_between_assessments') }}
    where from_assessment_number = 1
)

select practice_area, change_direction, change_in_share_met
from first_to_second
where (practice_area = 'Repurposing' and change_in_share_met >= 0)
    or (practice_area <> 'Repurposing' and change_in_share_met <= 0)
union all
select 'expected 8 practice areas', null, count(*)
from first_to_second
having count(*) <> 8
