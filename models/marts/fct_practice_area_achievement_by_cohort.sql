{#- How cohorts progress: results under the current standard grouped by the city's entry cohort
    (year of its first assessment under that standard) and the assessment's number. -#}
with results as (
    select * from {{ ref('fct_criterion_results') }}
    where is_current_standard
),

cities as (
    select city_id, entry_cohort from {{ ref('dim_cities') }}
)

select
    results.practice_area,
    cities.entry_cohort,
    results.assessment_number,
    results.standard_version,
    cast(count(distinct results.assessment_id) as integer) as assessments,
    cast(count(*) as integer) as criterion_results,
    cast(sum(case when results.is_met then 1 else 0 end) as integer) as criteria_met,
    cast(sum(case when results.is_met then 1 else 0 end) as {{ type_double() }}) / count(*)
        as share_met
from results
inner join cities
    on results.city_id = cities.city_id
group by
    results.practice_area, cities.entry_cohort, results.assessment_number, results.standard_version
