-- Every share a report publishes is its own counts' ratio, and the reference shares of the group
-- reports are recomputed from the year mart: all cities (share_met_all_groups) and all cities
-- outside the group (share_met_other_cities). A report share scaled or computed over the wrong
-- rows fails here.
with area_totals as (
    select
        practice_area,
        sum(criterion_results) as criterion_results,
        sum(criteria_met) as criteria_met
    from {{ ref('fct_practice_area_achievement_by_year') }}
    group by practice_area
),

groups as (
    select
        'rpt_achievement_by_form_of_government' as report,
        form_of_government as group_value, practice_area, criterion_results, criteria_met,
        share_met, share_met_all_groups, share_met_other_cities
    from {{ ref('rpt_achievement_by_form_of_government') }}
    union all
    select
        'rpt_achievement_by_population_band', population_band, practice_area,
        criterion_results, criteria_met, share_met, share_met_all_groups, share_met_other_cities
    from {{ ref('rpt_achievement_by_population_band') }}
),

ratios as (
    select
        report, group_value || ' ' || practice_area as row_key, 'share_met' as measure,
        share_met as published,
        cast(criteria_met as {{ type_double() }}) / criterion_results as expected
    from groups
    union all
    select
        groups.report, groups.group_value || ' ' || groups.practice_area, 'share_met_all_groups',
        groups.share_met_all_groups,
        cast(area_totals.criteria_met as {{ type_double() }}) / area_totals.criterion_results
    from groups
    inner join area_totals
        on groups.practice_area = area_totals.practice_area
    union all
    select
        groups.report, groups.group_value || ' ' || groups.practice_area, 'share_met_other_cities',
        groups.share_met_other_cities,
        cast(area_totals.criteria_met - groups.criteria_met as {{ type_double() }})
        / nullif(area_totals.criterion_results - groups.criterion_results, 0)
    from groups
    inner join area_totals
        on groups.practice_area = area_totals.practice_area
    union all
    select
        'rpt_criterion_prevalence', criterion_id || ' ' || period, 'share_met', share_met,
        cast(criteria_met as {{ type_double() }}) / assessments
    from {{ ref('rpt_criterion_prevalence') }}
    union all
    select
        'rpt_practice_area_change_between_assessments',
        practice_area || ' ' || cast(from_assessment_number as {{ dbt.type_string() }}),
        'from_share_met', from_share_met,
        cast(from_criteria_met as {{ type_double() }}) / from_criterion_results
    from {{ ref('rpt_practice_area_change_between_assessments') }}
    union all
    select
        'rpt_practice_area_change_between_assessments',
        practice_area || ' ' || cast(from_assessment_number as {{ dbt.type_string() }}),
        'to_share_met', to_share_met,
        cast(to_criteria_met as {{ type_double() }}) / to_criterion_results
    from {{ ref('rpt_practice_area_change_between_assessments') }}
    union all
    select
        'rpt_practice_area_change_between_assessments',
        practice_area || ' ' || cast(from_assessment_number as {{ dbt.type_string() }}),
        'change_in_share_met', change_in_share_met,
        cast(to_criteria_met as {{ type_double() }}) / to_criterion_results
        - cast(from_criteria_met as {{ type_double() }}) / from_criterion_results
    from {{ ref('rpt_practice_area_change_between_assessments') }}
)

select *
from ratios
where (published is null) <> (expected is null)
    or abs(published - expected) > 1e-9
