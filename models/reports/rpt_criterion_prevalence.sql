{#- Which criteria cities meet most and least often: every criterion of the current standard,
    once per assessment year and once for all years combined (the article's 74% and <1% are over
    all 2018-2019 assessments). Grain: criterion x period, where a period is one assessment year
    or all years of the current standard together. -#}
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

by_year as (
    select
        criterion_id,
        assessment_year as period_start_year,
        assessment_year as period_end_year,
        false as is_all_years,
        count(*) as assessments,
        sum(case when is_met then 1 else 0 end) as criteria_met
    from results
    group by criterion_id, assessment_year
),

all_years as (
    select
        results.criterion_id,
        span.first_year as period_start_year,
        span.last_year as period_end_year,
        true as is_all_years,
        count(*) as assessments,
        sum(case when results.is_met then 1 else 0 end) as criteria_met
    from results
    cross join span
    group by results.criterion_id, span.first_year, span.last_year
),

periods as (
    select * from by_year
    union all
    select * from all_years
),

measured as (
    select
        periods.*,
        cast(periods.criteria_met as {{ type_double() }}) / periods.assessments as share_met
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
    cast(measured.assessments as integer) as assessments,
    cast(measured.criteria_met as integer) as criteria_met,
    measured.share_met,
    {{ wilson_lower('measured.criteria_met', 'measured.assessments') }} as share_met_lower_95,
    {{ wilson_upper('measured.criteria_met', 'measured.assessments') }} as share_met_upper_95,
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
