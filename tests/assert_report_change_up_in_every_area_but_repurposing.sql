{{ config(tags=['calibration']) }}
-- Published (the article's chart): from a city's first to its second assessment, achievement
-- rose in every practice area except Repurposing. Read from the report, as an analyst would.
with first_to_second as (
    select * from {{ ref('rpt_practice_area_change_between_assessments') }}
    where from_assessment_number = 1
)

select practice_area, change_direction, change_in_share_met
from first_to_second
where (practice_area = 'Repurposing' and change_direction <> 'down')
    or (practice_area <> 'Repurposing' and change_direction <> 'up')
union all
select 'expected 8 practice areas', null, count(*)
from first_to_second
having count(*) <> 8
