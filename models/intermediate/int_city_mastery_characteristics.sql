{#- Every city with an assessment under the current standard, whether it masters the foundational
    practices, and its value of each characteristic rpt_mastery_characteristics compares. Grain:
    city x characteristic that applies to it.

    Mastery: the city's latest assessment under the current standard was certified gold or
    platinum (WWC's levels above the silver entry bar). A categorical characteristic (population
    band, form of government, entry cohort, an earlier-standard assessment) is a row with value
    1 for the category the city is in, and no row for the others: the report counts the cities
    in each category and divides by the size of the group. A numeric one (population,
    assessments, the share met per practice area at the latest assessment) carries the city's
    value.

    A table, incremental by city, as every row depends on its city's data alone (and on the
    current standard, whose change puts every city in scope): a refresh deletes and rewrites the
    rows of its cities (int_cities_rewritten), and a city that no longer has a current-standard
    assessment loses its rows. Spark's Parquet tables have no delete: there it is rebuilt as a
    table. -#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_rewritten_cities() }}"
) }}

-- depends_on: {{ ref('int_cities_rewritten') }} (read by the pre-hook)

with assessments as (
    select * from {{ ref('fct_assessments') }}
    {% if is_incremental() %}
    where city_id in (select city_id from {{ ref('int_cities_rewritten') }})
    {% endif %}
),

practice_area_results as (
    select * from {{ ref('fct_practice_area_results') }}
),

dim_cities as (
    select * from {{ ref('dim_cities') }}
    {% if is_incremental() %}
    where city_id in (select city_id from {{ ref('int_cities_rewritten') }})
    {% endif %}
),

latest as (
    select
        assessment_id,
        city_id,
        certification_level,
        row_number() over (
            partition by city_id order by assessment_number desc
        ) as recency
    from assessments
    where is_current_standard
),

history as (
    select
        city_id,
        sum(case when is_current_standard then 1 else 0 end) as current_assessments,
        max(case when not is_current_standard then 1 else 0 end) as earlier_standard
    from assessments
    group by city_id
),

cities as (
    select
        dim_cities.city_id,
        latest.assessment_id as latest_assessment_id,
        case
            when latest.certification_level in ('gold', 'platinum') then 1
            else 0
        end as is_master,
        coalesce(dim_cities.population_band, 'unknown') as population_band,
        coalesce(dim_cities.form_of_government, 'unknown') as form_of_government,
        dim_cities.entry_cohort,
        cast(dim_cities.population as {{ type_double() }}) as population,
        cast(history.current_assessments as {{ type_double() }}) as current_assessments,
        history.earlier_standard
    from dim_cities
    inner join latest
        on dim_cities.city_id = latest.city_id
        and latest.recency = 1
    inner join history
        on dim_cities.city_id = history.city_id
),

indicators as (
    -- The category each city is in, per categorical characteristic.
    select
        'population band' as characteristic_group,
        'population band ' || population_band as characteristic,
        'category' as characteristic_kind,
        city_id,
        is_master,
        cast(1 as {{ type_double() }}) as value
    from cities
    union all
    select
        'form of government', 'form of government ' || form_of_government, 'category', city_id,
        is_master, 1
    from cities
    union all
    select
        'history', 'entry cohort ' || cast(entry_cohort as {{ dbt.type_string() }}), 'category',
        city_id, is_master, 1
    from cities
    union all
    select
        'history', 'also assessed under an earlier standard', 'category', city_id, is_master, 1
    from cities
    where earlier_standard = 1
),

area_shares as (
    select
        cities.city_id,
        cities.is_master,
        practice_area_results.practice_area,
        cast(practice_area_results.criteria_met as {{ type_double() }})
        / practice_area_results.criterion_results as share_met
    from cities
    inner join practice_area_results
        on cities.latest_assessment_id = practice_area_results.assessment_id
),

numbers as (
    select
        'population' as characteristic_group,
        'population' as characteristic,
        'number' as characteristic_kind,
        city_id,
        is_master,
        population as value
    from cities
    union all
    select 'population', 'population (log10)', 'number', city_id, is_master, log10(population)
    from cities
    where population > 0
    union all
    select
        'history', 'assessments under the current standard', 'number', city_id, is_master,
        current_assessments
    from cities
    union all
    select
        'share met at the latest assessment', 'share met: ' || practice_area, 'number', city_id,
        is_master, share_met
    from area_shares
)

select * from indicators
union all
select * from numbers
