{#- Current-standard criterion results summed per city and practice area: the unit the
    achievement-by-group reports cluster on (macros/achievement_by_city_group.sql), so that they
    read a row per city instead of re-summing every assessment. Grain: city x practice area.

    A table, incremental by city, as every row depends on its city's assessments alone (and on
    the current standard, whose change puts every city in scope): a refresh deletes and rewrites
    the rows of its cities (int_cities_rewritten), and a city that no longer has a
    current-standard assessment loses its rows. Spark's Parquet tables have no delete: there it
    is rebuilt as a table. -#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_rewritten_cities() }}"
) }}

-- depends_on: {{ ref('int_cities_rewritten') }} (read by the pre-hook)

with practice_area_results as (
    select * from {{ ref('fct_practice_area_results') }}
    where is_current_standard
    {% if is_incremental() %}
        and city_id in (select city_id from {{ ref('int_cities_rewritten') }})
    {% endif %}
)

select
    city_id,
    practice_area,
    standard_version,
    -- One row per assessment and practice area: counting rows counts assessments.
    cast(count(*) as integer) as assessments,
    cast(sum(criterion_results) as integer) as criterion_results,
    cast(sum(criteria_met) as integer) as criteria_met
from practice_area_results
group by city_id, practice_area, standard_version
