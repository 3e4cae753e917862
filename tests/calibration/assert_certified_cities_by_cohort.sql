-- Published: 9 cities certified from the 2017 assessments (1 gold, 8 silver), 13 after 2018 and
-- 24 after 2019; by then 6 cities had moved up to gold and 2 to platinum (and 8 cities held gold,
-- per Tempe's 2020 release). A city keeps the level of its latest assessment.
with as_of_years as (
    select 2017 as as_of
    union all
    select 2018
    union all
    select 2019
),

latest as (
    select
        as_of_years.as_of,
        assessments.city_id,
        assessments.certification_level,
        row_number() over (
            partition by as_of_years.as_of, assessments.city_id
            order by assessments.submitted_date desc, assessments.assessment_id desc
        ) as recency
    from as_of_years
    inner join {{ ref('fct_assessments') }} as assessments
        on as_of_years.as_of >= assessments.assessment_year
),

actual as (
    select
        as_of,
        sum(case when certification_level <> 'none' then 1 else 0 end) as certified,
        sum(case when certification_level = 'silver' then 1 else 0 end) as silver,
        sum(case when certification_level = 'gold' then 1 else 0 end) as gold,
        sum(case when certification_level = 'platinum' then 1 else 0 end) as platinum
    from latest
    where recency = 1
    group by as_of
),

expected as (
    select 2017 as as_of, 9 as certified, 8 as silver, 1 as gold, 0 as platinum
    union all
    select 2018, 13, 9, 4, 0
    union all
    select 2019, 24, 14, 8, 2
),

moved_to_gold as (
    select count(distinct later.city_id) as cities
    from {{ ref('fct_assessments') }} as earlier
    inner join {{ ref('fct_assessments') }} as later
        on earlier.city_id = later.city_id
        and earlier.submitted_date < later.submitted_date
    where earlier.certification_level = 'silver' and later.certification_level = 'gold'
)

select expected.as_of, actual.certified, actual.silver, actual.gold, actual.platinum
from expected
left join actual
    on expected.as_of = actual.as_of
where actual.as_of is null
    or actual.certified <> expected.certified
    or actual.silver <> expected.silver
    or actual.gold <> expected.gold
    or actual.platinum <> expected.platinum
union all
select null, cities, null, null, null
from moved_to_gold
where cities <> 6
