-- Published (Data Insights): 139 cities completed at least one assessment in 2018 or 2019, for
-- 209 assessments in all.
with actual as (
    select count(distinct city_id) as cities, count(*) as assessments
    from {{ ref('fct_assessments') }}
    where assessment_year in (2018, 2019)
)

select * from actual
where cities <> 139 or assessments <> 209
