-- Every city-clustered 95% interval of a share in the reports lies in [0, 1] and brackets its
-- share, and every paired interval of a change brackets the change.
with intervals as (
    select
        'rpt_criterion_prevalence' as report, criterion_id || ' ' || period as row_key,
        share_met, share_met_lower_95 as lower_bound, share_met_upper_95 as upper_bound
    from {{ ref('rpt_criterion_prevalence') }}
    union all
    select
        'rpt_practice_area_change_between_assessments (from)',
        practice_area || ' ' || cast(from_assessment_number as {{ dbt.type_string() }}),
        from_share_met, from_share_met_lower_95, from_share_met_upper_95
    from {{ ref('rpt_practice_area_change_between_assessments') }}
    union all
    select
        'rpt_practice_area_change_between_assessments (to)',
        practice_area || ' ' || cast(from_assessment_number as {{ dbt.type_string() }}),
        to_share_met, to_share_met_lower_95, to_share_met_upper_95
    from {{ ref('rpt_practice_area_change_between_assessments') }}
    union all
    select
        'rpt_achievement_by_form_of_government', form_of_government || ' ' || practice_area,
        share_met, share_met_lower_95, share_met_upper_95
    from {{ ref('rpt_achievement_by_form_of_government') }}
    union all
    select
        'rpt_achievement_by_population_band', population_band || ' ' || practice_area,
        share_met, share_met_lower_95, share_met_upper_95
    from {{ ref('rpt_achievement_by_population_band') }}
),

changes as (
    select
        practice_area || ' ' || cast(from_assessment_number as {{ dbt.type_string() }}) as row_key,
        change_in_share_met, change_lower_95, change_upper_95
    from {{ ref('rpt_practice_area_change_between_assessments') }}
)

select *
from intervals
where share_met is null
    or lower_bound is null
    or upper_bound is null
    or lower_bound < 0
    or upper_bound > 1
    or lower_bound > share_met
    or upper_bound < share_met
    or lower_bound >= upper_bound

union all
select
    'rpt_practice_area_change_between_assessments (change)', row_key, change_in_share_met,
    change_lower_95, change_upper_95
from changes
where change_lower_95 is null
    or change_upper_95 is null
    or change_lower_95 > change_in_share_met
    or change_upper_95 < change_in_share_met
