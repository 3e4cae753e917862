{#- Which criteria cities meet most and least often: every criterion of the current standard,
    once per assessment year and once for all years combined (the article's 74% and <1% are over
    all 2018-2019 assessments). Grain: criterion x period, where a period is one assessment year
    or all years of the current standard together. The 95% interval is city-clustered (a city
    assessed twice in a period is one unit; macros/city_clustered_share.sql).

    The city-clustered variance needs, per criterion and period, five sums over the cities c
    behind it: the cities, sum(n_c), sum(n_c ^ 2), sum(met_c) and sum(met_c * n_c), and
    sum(met_c ^ 2), where n_c is the city's assessments in the period and met_c how many of them
    met the criterion. Every assessment has a result for each criterion of its standard (the
    landing suite and the invariant assert_every_assessment_has_each_criterion_of_its_standard),
    so n_c is the same for every criterion and comes from the assessments; the met sums come from
    the met results alone, and met_c ^ 2 = met_c + 2 * (pairs of met results of the city), pairs
    that only cities assessed more than once in the period have. No pass groups the 15 M results
    by city. -#}
with assessments as (
    select * from {{ ref('fct_assessments') }}
),

results as (
    select * from {{ ref('fct_criterion_results') }}
),

criteria as (
    select * from {{ ref('dim_criteria') }}
),

current_standard as (
    select max(standard_version) as standard_version from assessments
),

current_assessments as (
    select
        assessments.city_id,
        assessments.assessment_year
    from assessments
    inner join current_standard
        on assessments.standard_version = current_standard.standard_version
),

span as (
    select
        min(assessment_year) as first_year,
        max(assessment_year) as last_year
    from current_assessments
),

-- n_c: each city's assessments in each period (one year, or all years).
city_years as (
    select
        city_id,
        assessment_year,
        count(*) as assessments
    from current_assessments
    group by city_id, assessment_year
),

city_all_years as (
    select
        city_id,
        sum(assessments) as assessments
    from city_years
    group by city_id
),

city_periods as (
    select
        city_id,
        assessment_year as period_start_year,
        assessment_year as period_end_year,
        false as is_all_years,
        assessments
    from city_years
    union all
    select
        city_all_years.city_id,
        span.first_year as period_start_year,
        span.last_year as period_end_year,
        true as is_all_years,
        city_all_years.assessments
    from city_all_years
    cross join span
),

period_cities as (
    select
        period_start_year,
        period_end_year,
        is_all_years,
        count(*) as cities,
        sum(assessments) as assessments,
        sum(cast(assessments as {{ type_double() }}) * assessments) as results_squared
    from city_periods
    group by period_start_year, period_end_year, is_all_years
),

-- Each met result with its city's assessments in the period, once per period it falls in.
met_results as (
    select
        results.city_id,
        results.criterion_id,
        city_periods.period_start_year,
        city_periods.is_all_years,
        city_periods.assessments as city_assessments
    from results
    inner join city_periods
        on results.city_id = city_periods.city_id
        and (
            city_periods.is_all_years
            or results.assessment_year = city_periods.period_start_year
        )
    where results.is_current_standard and results.is_met
),

met_sums as (
    select
        criterion_id,
        period_start_year,
        is_all_years,
        count(*) as criteria_met,
        sum(cast(city_assessments as {{ type_double() }})) as met_times_results
    from met_results
    group by criterion_id, period_start_year, is_all_years
),

-- Pairs of met results of one city and criterion in a period: met_c * (met_c - 1) / 2.
met_pairs as (
    select
        criterion_id,
        period_start_year,
        is_all_years,
        sum(cast(met * (met - 1) as {{ type_double() }}) / 2) as pairs
    from (
        select
            criterion_id,
            period_start_year,
            is_all_years,
            city_id,
            count(*) as met
        from met_results
        where city_assessments > 1
        group by criterion_id, period_start_year, is_all_years, city_id
    ) as repeat_cities
    group by criterion_id, period_start_year, is_all_years
),

periods as (
    select
        criteria.criterion_id,
        period_cities.period_start_year,
        period_cities.period_end_year,
        period_cities.is_all_years,
        period_cities.cities,
        period_cities.assessments,
        coalesce(met_sums.criteria_met, 0) as criteria_met,
        cast(coalesce(met_sums.criteria_met, 0) as {{ type_double() }})
        / period_cities.assessments as share_met,
        cast(coalesce(met_sums.criteria_met, 0) as {{ type_double() }})
        + 2 * coalesce(met_pairs.pairs, 0) as met_squared,
        coalesce(met_sums.met_times_results, 0) as met_times_results,
        period_cities.results_squared
    from criteria
    inner join current_standard
        on criteria.standard_version = current_standard.standard_version
    cross join period_cities
    left join met_sums
        on criteria.criterion_id = met_sums.criterion_id
        and period_cities.period_start_year = met_sums.period_start_year
        and period_cities.is_all_years = met_sums.is_all_years
    left join met_pairs
        on criteria.criterion_id = met_pairs.criterion_id
        and period_cities.period_start_year = met_pairs.period_start_year
        and period_cities.is_all_years = met_pairs.is_all_years
),

measured as (
    select
        periods.*,
        {{ cluster_robust_variance_from_sums(
            'periods.cities', 'periods.met_squared', 'periods.met_times_results',
            'periods.results_squared', 'periods.share_met', 'periods.assessments') }}
            as share_met_variance
    from periods
),

sized as (
    -- The effective sample size reads the variance, hence a CTE of its own.
    select
        measured.*,
        {{ effective_sample_size(
            'measured.share_met', 'measured.share_met_variance',
            'measured.assessments', 'measured.cities') }} as effective_results
    from measured
)

select
    case
        when sized.is_all_years then 'all years'
        else cast(sized.period_start_year as {{ dbt.type_string() }})
    end as period,
    sized.is_all_years,
    case when not sized.is_all_years then sized.period_start_year end as assessment_year,
    cast(sized.period_start_year as integer) as period_start_year,
    cast(sized.period_end_year as integer) as period_end_year,
    sized.criterion_id,
    criteria.criterion_code,
    criteria.criterion_name,
    criteria.practice_area,
    criteria.standard_version,
    criteria.wording_source,
    cast(sized.cities as integer) as cities,
    cast(sized.assessments as integer) as assessments,
    cast(sized.criteria_met as integer) as criteria_met,
    sized.share_met,
    {{ clustered_share_lower('sized.share_met', 'sized.effective_results') }}
        as share_met_lower_95,
    {{ clustered_share_upper('sized.share_met', 'sized.effective_results') }}
        as share_met_upper_95,
    cast(rank() over (
        partition by sized.is_all_years, sized.period_start_year
        order by sized.share_met desc
    ) as integer) as rank_most_met,
    cast(rank() over (
        partition by sized.is_all_years, sized.period_start_year
        order by sized.share_met asc
    ) as integer) as rank_least_met
from sized
inner join criteria
    on sized.criterion_id = criteria.criterion_id
