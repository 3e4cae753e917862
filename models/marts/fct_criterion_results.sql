{#- Spark's Parquet tables have no delete+insert: there the fact is rebuilt as a table. -#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='delete+insert',
    unique_key='assessment_id',
    on_schema_change='fail'
) }}

with results as (
    select * from {{ ref('int_criterion_results_scored') }}
),

assessments as (
    select * from {{ ref('int_assessments_sequenced') }}
)

select
    results.assessment_id,
    results.criterion_id,
    assessments.city_id,
    assessments.assessment_year,
    results.standard_version,
    results.practice_area,
    results.is_met,
    results.reported_status,
    results.is_voided_by_prerequisite,
    assessments.assessment_number,
    assessments.is_current_standard,
    greatest(results.loaded_at, assessments.loaded_at) as loaded_at
from results
inner join assessments
    on results.assessment_id = assessments.assessment_id
{% if is_incremental() %}
where results.assessment_id in ({{ assessments_to_refresh() }})
{% endif %}
