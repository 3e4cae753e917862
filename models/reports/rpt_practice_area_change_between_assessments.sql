{#- The article's chart: for cities with more than one assessment under the current standard,
    the share of criteria met per practice area at one assessment and at the city's next one.
    Each row compares the same cities at assessment n and n + 1 (1 vs 2 is the article's "within
    a year"), so the change is not confounded by which cities applied. -#}
with assessments as (
    select * from {{ ref('fct_assessments') }}
    where is_current_standard
),

pairs as (
    -- A city's assessment n and its next one, n + 1, under the same (current) standard.
    select
        earlier.city_id,
        earlier.assessment_id as from_assessment_id,
        later.assessment_id as to_assessment_id,
        earlier.assessment_number as from_assessment_number,
        later.assessment_number as to_assessment_number,
        later.assessment_year - earlier.assessment_year as years_between
    from assessments as earlier
    inner join assessments as later
        on earlier.city_id = later.city_id
        and earlier.standard_version = later.standard_version
        and later.assessment_number = earlier.assessment_number + 1
),

results as (
    select assessment_id, practice_area, standard_version, is_met
    from {{ ref('fct_criterion_results') }}
    where is_current_standard
),

paired_results as (
    select
        pairs.city_id,
        pairs.from_assessment_number,
        pairs.to_assessment_number,
        pairs.years_between,
        results.practice_area,
        results.standard_version,
        'from' as side,
        results.is_met
    from pairs
    inner join results
        on pairs.from_assessment_id = results.assessment_id
    union all
    select
        pairs.city_id,
        pairs.from_assessment_number,
        pairs.to_assessment_number,
        pairs.years_between,
        results.practice_area,
        results.standard_version,
        'to' as side,
        results.is_met
    from pairs
    inner join results
        on pairs.to_assessment_id = results.assessment_id
),

counted as (
    select
        practice_area,
        standard_version,
        from_assessment_number,
        to_assessment_number,
        count(distinct city_id) as cities,
        avg(cast(years_between as {{ type_double() }})) as mean_years_between,
        sum(case when side = 'from' then 1 else 0 end) as from_criterion_results,
        sum(case when side = 'from' and is_met then 1 else 0 end) as from_criteria_met,
        sum(case when side = 'to' then 1 else 0 end) as to_criterion_results,
        sum(case when side = 'to' and is_met then 1 else 0 end) as to_criteria_met
    from paired_results
    group by practice_area, standard_version, from_assessment_number, to_assessment_number
),

measured as (
    select
        counted.*,
        cast(from_criteria_met as {{ type_double() }}) / from_criterion_results as from_share_met,
        cast(to_criteria_met as {{ type_double() }}) / to_criterion_results as to_share_met
    from counted
)

select
    practice_area,
    standard_version,
    from_assessment_number,
    to_assessment_number,
    cast(cities as integer) as cities,
    mean_years_between,
    cast(from_criterion_results as integer) as from_criterion_results,
    cast(from_criteria_met as integer) as from_criteria_met,
    from_share_met,
    {{ wilson_lower('from_criteria_met', 'from_criterion_results') }} as from_share_met_lower_95,
    {{ wilson_upper('from_criteria_met', 'from_criterion_results') }} as from_share_met_upper_95,
    cast(to_criterion_results as integer) as to_criterion_results,
    cast(to_criteria_met as integer) as to_criteria_met,
    to_share_met,
    {{ wilson_lower('to_criteria_met', 'to_criterion_results') }} as to_share_met_lower_95,
    {{ wilson_upper('to_criteria_met', 'to_criterion_results') }} as to_share_met_upper_95,
    to_share_met - from_share_met as change_in_share_met,
    case
        when to_share_met > from_share_met then 'up'
        when to_share_met < from_share_met then 'down'
        else 'no change'
    end as change_direction
from measured
