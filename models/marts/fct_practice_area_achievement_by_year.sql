{#- Comparable analysis only: assessments under the current standard (the criteria changed in
    early 2018, so 2017 assessments are not compared with later ones). -#}
with results as (
    select * from {{ ref('fct_practice_area_results') }}
    where is_current_standard
)

select
    practice_area,
    assessment_year,
    standard_version,
    -- One row per assessment and practice area: counting rows counts assessments.
    cast(count(*) as integer) as assessments,
    cast(sum(criterion_results) as integer) as criterion_results,
    cast(sum(criteria_met) as integer) as criteria_met,
    cast(sum(criteria_met) as {{ type_double() }}) / sum(criterion_results) as share_met
from results
group by practice_area, assessment_year, standard_version
