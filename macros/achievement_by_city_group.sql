{#- Achievement per group of cities x practice area under the current standard, with 95% Wilson
    intervals: the shared body of rpt_achievement_by_form_of_government and
    rpt_achievement_by_population_band.

    group_column: the dim_cities column (or expression over `cities`) that defines the group;
    the report names it group_name. Cities with a null group fall in 'unknown'.
    order_column, order_name (optional): an integer expression over `cities` that sorts the
    groups (null for 'unknown'), output as order_name after the group.
    A group with fewer than var('wwc_min_cities_to_compare') cities is flagged is_small_group:
    its share rests on too few cities to compare with the others, whatever its interval says
    (criterion results cluster within cities, so the interval is narrower than the truth). -#}
{% macro achievement_by_city_group(group_column, group_name, order_column=none, order_name=none) -%}
with results as (
    select assessment_id, city_id, practice_area, standard_version, is_met
    from {{ ref('fct_criterion_results') }}
    where is_current_standard
),

cities as (
    select * from {{ ref('dim_cities') }}
),

grouped as (
    select
        coalesce({{ group_column }}, 'unknown') as group_value,
        {{ order_column if order_column else 'cast(null as integer)' }} as group_order,
        results.*
    from results
    inner join cities
        on results.city_id = cities.city_id
),

by_group as (
    select
        group_value,
        max(group_order) as group_order,
        practice_area,
        standard_version,
        count(distinct city_id) as cities,
        count(distinct assessment_id) as assessments,
        count(*) as criterion_results,
        sum(case when is_met then 1 else 0 end) as criteria_met
    from grouped
    group by group_value, practice_area, standard_version
),

by_area as (
    select
        practice_area,
        cast(sum(case when is_met then 1 else 0 end) as {{ type_double() }}) / count(*) as share_met_all_groups
    from results
    group by practice_area
)

select
    by_group.group_value as {{ group_name }},
    {%- if order_name %}
    cast(by_group.group_order as integer) as {{ order_name }},
    {%- endif %}
    by_group.practice_area,
    by_group.standard_version,
    cast(by_group.cities as integer) as cities,
    cast(by_group.assessments as integer) as assessments,
    cast(by_group.criterion_results as integer) as criterion_results,
    cast(by_group.criteria_met as integer) as criteria_met,
    cast(by_group.criteria_met as {{ type_double() }}) / by_group.criterion_results as share_met,
    {{ wilson_lower('by_group.criteria_met', 'by_group.criterion_results') }} as share_met_lower_95,
    {{ wilson_upper('by_group.criteria_met', 'by_group.criterion_results') }} as share_met_upper_95,
    by_area.share_met_all_groups,
    by_group.cities < {{ var('wwc_min_cities_to_compare') }} as is_small_group
from by_group
inner join by_area
    on by_group.practice_area = by_area.practice_area
{%- endmacro %}
