{#- Incremental by city: a refresh rewrites the cities of its scope
    (int_cities_rewritten; a landing file that describes a city also carries one of its
    assessments), a full build every one. Spark's Parquet tables have no delete+insert: there it
    is rebuilt as a table. -#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='delete+insert',
    unique_key='city_id',
    on_schema_change='fail'
) }}

-- depends_on: {{ ref('int_cities_rewritten') }} (read when incremental)

with cities as (
    select * from {{ ref('stg_wwc__cities') }}
    {% if is_incremental() %}
    where city_id in (select city_id from {{ ref('int_cities_rewritten') }})
    {% endif %}
),

assessments as (
    select * from {{ ref('int_assessments_sequenced') }}
    {% if is_incremental() %}
    where city_id in (select city_id from {{ ref('int_cities_rewritten') }})
    {% endif %}
),

latest as (
    select
        city_id,
        certification_level,
        assessment_year,
        row_number() over (
            partition by city_id order by submitted_date desc, assessment_id desc
        ) as recency
    from assessments
),

history as (
    select
        city_id,
        min(entry_cohort) as entry_cohort,
        min(assessment_year) as first_assessment_year,
        count(*) as assessments
    from assessments
    group by city_id
)

select
    cities.city_id,
    cities.city_name,
    cities.state_code,
    cities.population,
    cities.population_year,
    {{ population_band('cities.population') }} as population_band,
    cities.form_of_government,
    history.entry_cohort,
    history.first_assessment_year,
    latest.assessment_year as latest_assessment_year,
    cast(coalesce(history.assessments, 0) as integer) as assessments,
    coalesce(latest.certification_level, 'none') as latest_certification_level
from cities
left join history
    on cities.city_id = history.city_id
left join latest
    on cities.city_id = latest.city_id
    and latest.recency = 1
