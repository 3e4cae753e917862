{#- Every city with an assessment under the current standard, whether it masters the foundational
    practices, and the value of each characteristic rpt_mastery_characteristics compares. Grain:
    city x characteristic.

    Mastery: the city's latest assessment under the current standard was certified gold or
    platinum (WWC's levels above the silver entry bar). Categorical characteristics (population
    band, form of government, entry cohort, an earlier-standard assessment) are one 0/1
    indicator per city and category, so their mean is a share of cities; numeric ones
    (population, assessments, the share met per practice area at the latest assessment) carry
    the city's value.

    A table, not a view: the report and the tests of its grain read it six times. -#}
{{ config(materialized='table') }}

with assessments as (
    select * from {{ ref('fct_assessments') }}
),

practice_area_results as (
    select * from {{ ref('fct_practice_area_results') }}
),

dim_cities as (
    select * from {{ ref('dim_cities') }}
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

categories as (
    -- The category each city is in, per categorical characteristic.
    select
        'population band' as characteristic_group,
        'population band ' || population_band as characteristic,
        city_id
    from cities
    union all
    select
        'form of government',
        'form of government ' || form_of_government,
        city_id
    from cities
    union all
    select
        'history',
        'entry cohort ' || cast(entry_cohort as {{ dbt.type_string() }}),
        city_id
    from cities
    union all
    select
        'history',
        'also assessed under an earlier standard',
        city_id
    from cities
    where earlier_standard = 1
),

category_list as (
    select distinct characteristic_group, characteristic from categories
),

indicators as (
    select
        category_list.characteristic_group,
        category_list.characteristic,
        'category' as characteristic_kind,
        cities.city_id,
        cities.is_master,
        cast(
            case when categories.city_id is not null then 1 else 0 end as {{ type_double() }}
        ) as value
    from category_list
    cross join cities
    left join categories
        on category_list.characteristic = categories.characteristic
        and cities.city_id = categories.city_id
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
