{#- What distinguishes cities that master the foundational practices?

    Mastery (see the model's description): a city whose latest assessment under the current
    standard was certified gold or platinum, i.e. met at least 67% of the criteria (the levels
    above the silver entry bar). Every other city with a current-standard assessment is in
    "others".

    Long format: one row per characteristic, with its value among masters and among others, the
    difference, an effect size and a rank by absolute effect size. Shares of cities (population
    band, form of government, entry cohort, earlier 2017 assessment) use Cohen's h; numeric
    characteristics (population, assessments, share met per practice area) use the standardized
    mean difference with a pooled standard deviation (Cohen's d). Medians are descriptive and
    carry no effect size.

    Apostrophes in literals go through dbt.escape_single_quotes: Spark reads 'Cohen''s h' as two
    adjacent literals, 'Cohens h'. -#}
{%- set mastery_levels = ['gold', 'platinum'] -%}
with assessments as (
    select * from {{ ref('fct_assessments') }}
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
            when latest.certification_level in ('{{ mastery_levels | join("', '") }}') then 1
            else 0
        end as is_master,
        coalesce(dim_cities.population_band, 'unknown') as population_band,
        coalesce(dim_cities.form_of_government, 'unknown') as form_of_government,
        dim_cities.entry_cohort,
        cast(dim_cities.population as {{ type_double() }}) as population,
        cast(history.current_assessments as {{ type_double() }}) as current_assessments,
        history.earlier_standard
    from {{ ref('dim_cities') }} as dim_cities
    inner join latest
        on dim_cities.city_id = latest.city_id
        and latest.recency = 1
    inner join history
        on dim_cities.city_id = history.city_id
),

group_sizes as (
    select
        sum(is_master) as masters,
        sum(1 - is_master) as others
    from cities
),

-- Categorical characteristics: one indicator per city and category (1 = the city is in it).
categories as (
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

shares as (
    select
        category_list.characteristic_group,
        category_list.characteristic,
        cast(sum(case when cities.is_master = 1 and categories.city_id is not null then 1 else 0 end)
            as {{ type_double() }}) / nullif(max(group_sizes.masters), 0) as masters_value,
        cast(sum(case when cities.is_master = 0 and categories.city_id is not null then 1 else 0 end)
            as {{ type_double() }}) / nullif(max(group_sizes.others), 0) as others_value
    from category_list
    cross join cities
    cross join group_sizes
    left join categories
        on category_list.characteristic = categories.characteristic
        and cities.city_id = categories.city_id
    group by category_list.characteristic_group, category_list.characteristic
),

-- Numeric characteristics: one value per city.
area_shares as (
    select
        cities.city_id,
        results.practice_area,
        cast(sum(case when results.is_met then 1 else 0 end) as {{ type_double() }}) / count(*) as share_met
    from cities
    inner join {{ ref('fct_criterion_results') }} as results
        on cities.latest_assessment_id = results.assessment_id
    group by cities.city_id, results.practice_area
),

numbers as (
    select 'population' as characteristic_group, 'population' as characteristic,
        city_id, population as value
    from cities
    union all
    select 'population', 'population (log10)', city_id, log10(population)
    from cities
    where population > 0
    union all
    select 'history', 'assessments under the current standard', city_id, current_assessments
    from cities
    union all
    select 'share met at the latest assessment', 'share met: ' || practice_area, city_id, share_met
    from area_shares
),

moments as (
    select
        numbers.characteristic_group,
        numbers.characteristic,
        cities.is_master,
        count(numbers.value) as n,
        avg(numbers.value) as mean_value,
        var_samp(numbers.value) as variance,
        percentile_cont(0.5) within group (order by numbers.value) as median_value
    from numbers
    inner join cities
        on numbers.city_id = cities.city_id
    group by numbers.characteristic_group, numbers.characteristic, cities.is_master
),

compared_numbers as (
    select
        masters.characteristic_group,
        masters.characteristic,
        masters.mean_value as masters_mean,
        others.mean_value as others_mean,
        masters.median_value as masters_median,
        others.median_value as others_median,
        sqrt(
            ((masters.n - 1) * masters.variance + (others.n - 1) * others.variance)
            / nullif(masters.n + others.n - 2, 0)
        ) as pooled_sd
    from moments as masters
    inner join moments as others
        on masters.characteristic = others.characteristic
        and masters.is_master = 1
        and others.is_master = 0
),

compared as (
    select
        characteristic_group,
        characteristic,
        'share of cities' as statistic,
        masters_value,
        others_value,
        2 * asin(sqrt(masters_value)) - 2 * asin(sqrt(others_value)) as effect_size,
        '{{ dbt.escape_single_quotes("Cohen's h") }}' as effect_measure
    from shares
    union all
    select
        characteristic_group,
        characteristic,
        'mean',
        masters_mean,
        others_mean,
        (masters_mean - others_mean) / nullif(pooled_sd, 0),
        '{{ dbt.escape_single_quotes("standardized mean difference (Cohen's d, pooled SD)") }}'
    from compared_numbers
    union all
    select
        characteristic_group,
        characteristic,
        'median',
        masters_median,
        others_median,
        cast(null as {{ type_double() }}),
        'none (descriptive)'
    from compared_numbers
    where characteristic in ('population', 'assessments under the current standard')
)

select
    compared.characteristic_group,
    compared.characteristic,
    compared.statistic,
    cast(group_sizes.masters as integer) as masters_cities,
    cast(group_sizes.others as integer) as others_cities,
    compared.masters_value,
    compared.others_value,
    compared.masters_value - compared.others_value as difference,
    compared.effect_size,
    compared.effect_measure,
    case
        when compared.effect_size is null then null
        when abs(compared.effect_size) >= 0.8 then 'large'
        when abs(compared.effect_size) >= 0.5 then 'medium'
        when abs(compared.effect_size) >= 0.2 then 'small'
        else 'negligible'
    end as effect_magnitude,
    compared.characteristic_group = 'share met at the latest assessment' as is_mastery_component,
    -- Ranked on |effect size| to 12 decimals, so that equal sizes tie on every engine: the two
    -- categories of a two-valued characteristic have the same |h|, which floating point gives
    -- up to the last bit, and which bit differs from one engine to the next.
    cast(case when compared.effect_size is not null then rank() over (
        partition by case when compared.effect_size is null then 1 else 0 end
        order by cast(abs(compared.effect_size) as decimal(20, 12)) desc
    ) end as integer) as rank_by_effect_size,
    cast(case
        when compared.effect_size is not null
            and compared.characteristic_group <> 'share met at the latest assessment'
            then rank() over (
                partition by
                    case
                        when compared.effect_size is null then 1
                        when compared.characteristic_group = 'share met at the latest assessment'
                            then 1
                        else 0
                    end
                order by cast(abs(compared.effect_size) as decimal(20, 12)) desc
            )
    end as integer) as rank_among_city_traits
from compared
cross join group_sizes
