{#- How cohorts progress: results under the current standard grouped by the city's entry cohort
    (year of its first assessment under that standard) and the assessment's number. -#}
with results as (
    select * from {{ ref('fct_practice_area_results') }}
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
    -- One row per assessment and practice area: counting rows counts assessments.
    cast(count(*) as integer) as assessments,
    cast(sum(results.criterion_results) as integer) as criterion_results,
    cast(sum(results.criteria_met) as integer) as criteria_met,
    cast(sum(results.criteria_met) as {{ type_double() }}) / sum(results.criterion_results)
        as share_met
from results
inner join cities
    on results.city_id = cities.city_id
group by
    results.practice_area, cities.entry_cohort, results.assessment_number, results.standard_version
