-- Published: the 2017 launch standard had 50 criteria in 6 foundational practices.
with actual as (
    select count(*) as criteria, count(distinct practice_area) as practice_areas
    from {{ ref('dim_criteria') }}
    where standard_version = 2017
)

select * from actual
where criteria <> 50 or practice_areas <> 6
