-- Criterion prevalence covers every criterion of the current standard once per year and once
-- over all years; each row counts every assessment of its period; the years add up to the
-- all-years row; and per practice area and year the criteria met match the year mart.
with current_standard as (
    select max(standard_version) as standard_version
    from {{ ref('fct_assessments') }}
    where is_current_standard
),

current_criteria as (
    select criteria.criterion_id
    from {{ ref('dim_criteria') }} as criteria
    inner join current_standard
        on criteria.standard_version = current_standard.standard_version
),

assessments_by_year as (
    select assessment_year, count(*) as assessments
    from {{ ref('fct_assessments') }}
    where is_current_standard
    group by assessment_year
),

prevalence as (
    select * from {{ ref('rpt_criterion_prevalence') }}
),

expected_rows as (
    select
        current_criteria.criterion_id,
        cast(assessments_by_year.assessment_year as integer) as assessment_year,
        assessments_by_year.assessments
    from current_criteria
    cross join assessments_by_year
    union all
    select
        current_criteria.criterion_id, null,
        (select sum(assessments_by_year.assessments) from assessments_by_year)
    from current_criteria
),

row_problems as (
    select
        'row missing or wrong assessment count' as problem,
        expected_rows.criterion_id,
        expected_rows.assessment_year,
        prevalence.assessments
    from expected_rows
    left join prevalence
        on expected_rows.criterion_id = prevalence.criterion_id
        and (
            expected_rows.assessment_year = prevalence.assessment_year
            or (expected_rows.assessment_year is null and prevalence.is_all_years)
        )
    where prevalence.criterion_id is null or prevalence.assessments <> expected_rows.assessments
),

extra_rows as (
    -- Typed nulls: PostgreSQL types a bare null in a CTE as text, which no union matches.
    select
        'row count differs', cast(null as {{ dbt.type_string() }}), cast(null as integer),
        count(*)
    from prevalence
    having count(*) <> (select count(*) from expected_rows)
),

years_sum as (
    select
        'years do not add up to all years',
        by_year.criterion_id,
        cast(null as integer),
        sum(by_year.criteria_met)
    from prevalence as by_year
    inner join prevalence as all_years
        on by_year.criterion_id = all_years.criterion_id
        and all_years.is_all_years
    where not by_year.is_all_years
    group by by_year.criterion_id, all_years.criteria_met
    having sum(by_year.criteria_met) <> all_years.criteria_met
),

area_totals as (
    select
        'criteria met differ from fct_practice_area_achievement_by_year',
        prevalence.practice_area,
        prevalence.assessment_year,
        sum(prevalence.criteria_met)
    from prevalence
    inner join {{ ref('fct_practice_area_achievement_by_year') }} as mart
        on prevalence.practice_area = mart.practice_area
        and prevalence.assessment_year = mart.assessment_year
    where not prevalence.is_all_years
    group by prevalence.practice_area, prevalence.assessment_year, mart.criteria_met
    having sum(prevalence.criteria_met) <> mart.criteria_met
)

select * from row_problems
union all
select * from extra_rows
union all
select * from years_sum
union all
select * from area_totals
