{#- Comparable analysis only: assessments under the current standard (the criteria changed in
    early 2018, so 2017 assessments are not compared with later ones). -#}
with results as (
    select * from {{ ref('fct_criterion_results') }}
    where is_current_standard
)

select
    practice_area,
    assessment_year,
    standard_version,
    cast(count(distinct assessment_id) as integer) as assessments,
    cast(count(*) as integer) as criterion_results,
    cast(sum(case when is_met then 1 else 0 end) as integer) as criteria_met,
    cast(sum(case when is_met then 1 else 0 end) as {{ type_double() }}) / count(*) as share_met
from results
group by practice_area, assessment_year, standard_version
