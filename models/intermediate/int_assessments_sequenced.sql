{#- Each assessment placed in its city's history: assessment year, certification cohort (the
    announcement year, assessment year + 1, as the article counts it), the city's nth assessment
    under that standard, and the city's entry cohort under the current standard. -#}
with assessments as (
    select * from {{ ref('stg_wwc__assessments') }}
),

current_standard as (
    -- The newest standard any assessment was scored against; year-over-year analysis stays
    -- within it because criteria are not comparable across standards.
    select max(standard_version) as standard_version from assessments
),

dated as (
    select
        assessments.*,
        cast(extract(year from assessments.submitted_date) as integer) as assessment_year,
        assessments.standard_version = current_standard.standard_version as is_current_standard
    from assessments
    cross join current_standard
)

select
    assessment_id,
    city_id,
    submitted_date,
    assessment_year,
    assessment_year + 1 as certification_cohort,
    standard_version,
    is_current_standard,
    cast(row_number() over (
        partition by city_id, standard_version
        order by submitted_date, assessment_id
    ) as integer) as assessment_number,
    min(case when is_current_standard then assessment_year end)
        over (partition by city_id) as entry_cohort,
    certification_level,
    loaded_at
from dated
