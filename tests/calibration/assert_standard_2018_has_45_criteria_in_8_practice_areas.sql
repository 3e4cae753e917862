-- Published: the 2018 standard had 45 criteria in 8 practices, one point each.
with actual as (
    select count(*) as criteria, count(distinct practice_area) as practice_areas
    from {{ ref('dim_criteria') }}
    where standard_version = 2018
)

select * from actual
where criteria <> 45 or practice_areas <> 8
