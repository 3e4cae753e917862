-- Published (Data Insights): 203 cities submitted an assessment over the first three years.
with actual as (
    select count(distinct city_id) as cities
    from {{ ref('fct_assessments') }}
    where assessment_year between 2017 and 2019
)

select * from actual
where cities <> 203
