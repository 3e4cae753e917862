{#- Criterion results summed per assessment and practice area: about a sixth of the fact's
    rows, and all that the aggregate marts, the change report and the group reports' per-city
    sums (int_city_practice_area_results) need. Incremental like the fact, on the same scope
    (macros/refresh_scope.sql), so a refresh re-sums only the assessments it rewrote.
    Spark's Parquet tables have no delete+insert: there it is rebuilt as a table. -#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='delete+insert',
    unique_key='assessment_id',
    on_schema_change='fail'
) }}

-- depends_on: {{ ref('int_assessments_sequenced') }} {{ ref('stg_wwc__assessments') }}
-- {{ ref('stg_wwc__criterion_results') }} (used by assessments_to_refresh)

with results as (
    select * from {{ ref('fct_criterion_results') }}
    {% if is_incremental() %}
    where assessment_id in ({{ assessments_to_refresh() }})
    {% endif %}
)

select
    assessment_id,
    city_id,
    assessment_year,
    assessment_number,
    standard_version,
    is_current_standard,
    practice_area,
    cast(count(*) as integer) as criterion_results,
    cast(sum(case when is_met then 1 else 0 end) as integer) as criteria_met,
    max(loaded_at) as loaded_at
from results
group by
    assessment_id, city_id, assessment_year, assessment_number, standard_version,
    is_current_standard, practice_area
