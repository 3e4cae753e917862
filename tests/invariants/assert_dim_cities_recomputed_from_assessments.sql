-- dim_cities, recomputed from the assessments: a city's entry cohort is the year of its first
-- assessment under the current standard, its assessments are counted, and its latest level is
-- the level of its latest assessment by submission date (then id), `none` without one.
with assessments as (
    select * from {{ ref('fct_assessments') }}
),

cities as (
    select * from {{ ref('dim_cities') }}
),

current_standard as (
    select max(standard_version) as standard_version from assessments
),

history as (
    select
        assessments.city_id,
        min(
            case
                when assessments.standard_version = current_standard.standard_version
                    then assessments.assessment_year
            end
        ) as entry_cohort,
        count(*) as assessments
    from assessments
    cross join current_standard
    group by assessments.city_id
),

ranked as (
    select
        city_id,
        certification_level,
        row_number() over (
            partition by city_id order by submitted_date desc, assessment_id desc
        ) as recency
    from assessments
)

select
    cities.city_id,
    cities.entry_cohort,
    history.entry_cohort as expected_entry_cohort,
    cities.assessments,
    history.assessments as expected_assessments,
    cities.latest_certification_level,
    ranked.certification_level as expected_level
from cities
left join history
    on cities.city_id = history.city_id
left join ranked
    on cities.city_id = ranked.city_id
    and ranked.recency = 1
where coalesce(cities.entry_cohort, -1) <> coalesce(history.entry_cohort, -1)
    or cities.assessments <> coalesce(history.assessments, 0)
    or cities.latest_certification_level <> coalesce(ranked.certification_level, 'none')
