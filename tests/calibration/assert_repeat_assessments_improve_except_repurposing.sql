-- Published: among cities with more than one assessment, achievement improved within a year in
-- every foundational practice area except Repurposing.
with repeat_cities as (
    select city_id
    from {{ ref('fct_assessments') }}
    where is_current_standard
    group by city_id
    having count(*) > 1
),

by_area as (
    select
        results.practice_area,
        avg(
            case
                when results.assessment_number = 1 and results.is_met then 1.0
                when results.assessment_number = 1 then 0.0
            end
        ) as share_first,
        avg(
            case
                when results.assessment_number = 2 and results.is_met then 1.0
                when results.assessment_number = 2 then 0.0
            end
        ) as share_second
    from {{ ref('fct_criterion_results') }} as results
    inner join repeat_cities
        on results.city_id = repeat_cities.city_id
    where results.is_current_standard
    group by results.practice_area
)

select practice_area, share_first, share_second
from by_area
where (practice_area = 'Repurposing' and share_second >= share_first)
    or (practice_area <> 'Repurposing' and not share_second > share_first)
union all
select 'expected 8 practice areas', count(*), null
from by_area
having count(*) <> 8
