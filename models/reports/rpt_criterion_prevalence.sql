{#- Which criteria cities meet most and least often: every criterion of the current standard,
    once per assessment year and once for all years combined (the article's 74% and <1% are over
    all 2018-2019 assessments). Grain: criterion x period, where a period is one assessment year
    or all years of the current standard together. The 95% interval is city-clustered (a city
    assessed twice in a period is one unit; macros/city_clustered_share.sql). -#}
with results as (
    select * from {{ ref('fct_criterion_results') }}
    where is_current_standard
),

criteria as (
    select * from {{ ref('dim_criteria') }}
),

span as (
    select min(assessment_year) as first_year, max(assessment_year) as last_year
    from results
),

-- One row per city, criterion and period: the city is the unit of uncertainty, because a city
-- that applied twice in a period contributes two results that are not independent.
by_city_year as (
    select
        city_id,
        criterion_id,
        assessment_year as period_start_year,
        assessment_year as period_end_year,
        false as is_all_years,
        count(*) as assessments,
        sum(case when is_met then 1 else 0 end) as criteria_met
    from results
    group by city_id, criterion_id, assessment_year
),

by_city_all_years as (
    -- From the per-year rows, not a second pass over the results.
    select
        by_city_year.city_id,
        by_city_year.criterion_id,
        span.first_year as period_start_year,
        span.last_year as period_end_year,
        true as is_all_years,
        sum(by_city_year.assessments) as assessments,
        sum(by_city_year.criteria_met) as criteria_met
    from by_city_year
    cross join span
    group by by_city_year.city_id, by_city_year.criterion_id, span.first_year, span.last_year
),

by_city as (
    select * from by_city_year
    union all
    select * from by_city_all_years
),

periods as (
    select
        criterion_id,
        period_start_year,
        period_end_year,
        is_all_years,
        count(*) as cities,
        sum(assessments) as assessments,
        sum(criteria_met) as criteria_met,
        cast(sum(criteria_met) as {{ type_double() }}) / sum(assessments) as share_met,
        {{ city_square_sums('criteria_met', 'assessments') }}
    from by_city
    group by criterion_id, period_start_year, period_end_year, is_all_years
),

measured as (
    select
        periods.*,
        {{ cluster_robust_variance_from_sums(
            'periods.cities', 'periods.met_squared', 'periods.met_times_results',
            'periods.results_squared', 'periods.share_met', 'periods.assessments') }}
            as share_met_variance
    from periods
)

select
    case
        when measured.is_all_years then 'all years'
        else cast(measured.period_start_year as {{ dbt.type_string() }})
    end as period,
    measured.is_all_years,
    case when not measured.is_all_years then measured.period_start_year end as assessment_year,
    cast(measured.period_start_year as integer) as period_start_year,
    cast(measured.period_end_year as integer) as period_end_year,
    measured.criterion_id,
    criteria.criterion_code,
    criteria.criterion_name,
    criteria.practice_area,
    criteria.standard_version,
    criteria.wording_source,
    cast(measured.cities as integer) as cities,
    cast(measured.assessments as integer) as assessments,
    cast(measured.criteria_met as integer) as criteria_met,
    measured.share_met,
    {{ clustered_share_lower(
        'measured.share_met', 'measured.share_met_variance',
        'measured.assessments', 'measured.cities') }} as share_met_lower_95,
    {{ clustered_share_upper(
        'measured.share_met', 'measured.share_met_variance',
        'measured.assessments', 'measured.cities') }} as share_met_upper_95,
    cast(rank() over (
        partition by measured.is_all_years, measured.period_start_year
        order by measured.share_met desc
    ) as integer) as rank_most_met,
    cast(rank() over (
        partition by measured.is_all_years, measured.period_start_year
        order by measured.share_met asc
    ) as integer) as rank_least_met
from measured
inner join criteria
    on measured.criterion_id = criteria.criterion_id
