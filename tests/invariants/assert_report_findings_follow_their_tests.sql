-- A report calls a difference only when its test supports it: adjusted p-values are valid Holm
-- adjustments (p <= adjusted <= 1), a flagged group is not a small group and has an adjusted
-- p-value below the significance level, an up/down change has a paired interval that excludes
-- zero on its side, and an effect-size label is given only to a significant difference.
{%- set alpha = var('wwc_significance_level') %}
with groups as (
    select
        'rpt_achievement_by_form_of_government' as report,
        form_of_government || ' ' || practice_area as row_key,
        is_small_group, p_value, p_value_adjusted, differs_from_other_cities as is_flagged
    from {{ ref('rpt_achievement_by_form_of_government') }}
    union all
    select
        'rpt_achievement_by_population_band', population_band || ' ' || practice_area,
        is_small_group, p_value, p_value_adjusted, differs_from_other_cities
    from {{ ref('rpt_achievement_by_population_band') }}
    union all
    select
        'rpt_mastery_characteristics', characteristic || ' ' || statistic,
        false, p_value, p_value_adjusted, differs_from_others
    from {{ ref('rpt_mastery_characteristics') }}
    union all
    select
        'rpt_practice_area_change_between_assessments',
        practice_area || ' ' || cast(from_assessment_number as {{ dbt.type_string() }}),
        false, p_value, p_value_adjusted, change_direction <> 'no clear change'
    from {{ ref('rpt_practice_area_change_between_assessments') }}
)

select report, row_key, 'invalid adjusted p-value' as problem
from groups
where (p_value is null) <> (p_value_adjusted is null)
    or p_value < 0
    or p_value_adjusted < p_value - 1e-12
    or p_value_adjusted > 1
union all
select report, row_key, 'flagged without a significant test'
from groups
where is_flagged and (is_small_group or not coalesce(p_value_adjusted < {{ alpha }}, false))
union all
select report, row_key, 'significant but not flagged'
from groups
where not is_flagged and not is_small_group and p_value_adjusted < {{ alpha }}
union all
select
    'rpt_achievement_by_form_of_government', form_of_government || ' ' || practice_area,
    'small group tested'
from {{ ref('rpt_achievement_by_form_of_government') }}
where is_small_group and p_value is not null
union all
select
    'rpt_achievement_by_population_band', population_band || ' ' || practice_area,
    'small group tested'
from {{ ref('rpt_achievement_by_population_band') }}
where is_small_group and p_value is not null
union all
select
    'rpt_practice_area_change_between_assessments',
    practice_area || ' ' || cast(from_assessment_number as {{ dbt.type_string() }}),
    'direction against its interval'
from {{ ref('rpt_practice_area_change_between_assessments') }}
where (change_direction = 'up' and not change_lower_95 > 0)
    or (change_direction = 'down' and not change_upper_95 < 0)
union all
select
    'rpt_mastery_characteristics', characteristic || ' ' || statistic,
    'effect size labelled without a significant test'
from {{ ref('rpt_mastery_characteristics') }}
where effect_magnitude is not null
    and effect_magnitude <> 'no clear difference'
    and not differs_from_others
