{#- Scores each reported result: a criterion earns its point only if it was reported met and,
    when it has a prerequisite, that prerequisite was met in the same assessment. A missing
    prerequisite result counts as not met. An incremental run scores only the assessments in
    `assessments_to_refresh()`: the scope is applied to the reported results before the
    prerequisite self-join, so a refresh never scores the whole history.
    Spark's Parquet tables have no delete+insert: there the fact is rebuilt as a table. -#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='delete+insert',
    unique_key='assessment_id',
    on_schema_change='fail'
) }}

-- depends_on: {{ ref('stg_wwc__assessments') }} (used by assessments_to_refresh)

with reported as (
    select * from {{ ref('stg_wwc__criterion_results') }}
),

criteria as (
    select * from {{ ref('stg_wwc__criteria') }}
),

assessments as (
    select * from {{ ref('int_assessments_sequenced') }}
),

results as (
    select * from reported
    {% if is_incremental() %}
    where assessment_id in ({{ assessments_to_refresh() }})
    {% endif %}
),

with_prerequisite as (
    select
        results.assessment_id,
        results.criterion_id,
        criteria.standard_version,
        criteria.practice_area,
        results.status as reported_status,
        results.is_reported_met,
        results.loaded_at,
        case
            when criteria.prerequisite_criterion_id is null then true
            else coalesce(prerequisite.is_reported_met, false)
        end as is_prerequisite_satisfied
    from results
    inner join criteria
        on results.criterion_id = criteria.criterion_id
    left join results as prerequisite
        on results.assessment_id = prerequisite.assessment_id
        and criteria.prerequisite_criterion_id = prerequisite.criterion_id
)

select
    with_prerequisite.assessment_id,
    with_prerequisite.criterion_id,
    assessments.city_id,
    assessments.assessment_year,
    with_prerequisite.standard_version,
    with_prerequisite.practice_area,
    with_prerequisite.is_reported_met
    and with_prerequisite.is_prerequisite_satisfied as is_met,
    with_prerequisite.reported_status,
    with_prerequisite.is_reported_met
    and not with_prerequisite.is_prerequisite_satisfied as is_voided_by_prerequisite,
    assessments.assessment_number,
    assessments.is_current_standard,
    greatest(with_prerequisite.loaded_at, assessments.loaded_at) as loaded_at
from with_prerequisite
inner join assessments
    on with_prerequisite.assessment_id = assessments.assessment_id
