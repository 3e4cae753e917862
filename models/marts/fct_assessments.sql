{#- Spark's Parquet tables have no delete+insert: there the fact is rebuilt as a table. -#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    incremental_strategy='delete+insert',
    unique_key='assessment_id',
    on_schema_change='fail'
) }}

-- depends_on: {{ ref('stg_wwc__assessments') }} {{ ref('stg_wwc__criterion_results') }}
-- (used by assessments_to_refresh)

with assessments as (
    select * from {{ ref('int_assessments_sequenced') }}
),

scores as (
    -- From the fact, not the intermediate view: the prerequisite rule is evaluated once.
    select
        assessment_id,
        cast(sum(case when is_met then 1 else 0 end) as integer) as criteria_met,
        cast(count(*) as integer) as criteria_total,
        cast(sum(case when is_voided_by_prerequisite then 1 else 0 end) as integer)
            as criteria_voided_by_prerequisite,
        max(loaded_at) as loaded_at
    from {{ ref('fct_criterion_results') }}
    {% if is_incremental() %}
    where assessment_id in ({{ assessments_to_refresh() }})
    {% endif %}
    group by assessment_id
),

scored as (
    select
        assessments.*,
        coalesce(scores.criteria_met, 0) as criteria_met,
        coalesce(scores.criteria_total, 0) as criteria_total,
        coalesce(scores.criteria_voided_by_prerequisite, 0) as criteria_voided_by_prerequisite,
        cast(scores.criteria_met as {{ type_double() }}) / nullif(scores.criteria_total, 0)
            as share_met,
        greatest(assessments.loaded_at, coalesce(scores.loaded_at, assessments.loaded_at))
            as source_loaded_at
    from assessments
    left join scores
        on assessments.assessment_id = scores.assessment_id
)

select
    assessment_id,
    city_id,
    submitted_date,
    assessment_year,
    certification_cohort,
    standard_version,
    is_current_standard,
    assessment_number,
    criteria_met,
    criteria_total,
    criteria_voided_by_prerequisite,
    share_met,
    certification_level,
    {{ certification_level_for_share('share_met', 'standard_version') }}
        as certification_level_by_share,
    source_loaded_at as loaded_at
from scored
{% if is_incremental() %}
where assessment_id in ({{ assessments_to_refresh() }})
{% endif %}
