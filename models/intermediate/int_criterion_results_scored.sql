{#- Scores each reported result: a criterion earns its point only if it was reported met and,
    when it has a prerequisite, that prerequisite was met in the same assessment. A missing
    prerequisite result counts as not met. -#}
with results as (
    select * from {{ ref('stg_wwc__criterion_results') }}
),

criteria as (
    select * from {{ ref('stg_wwc__criteria') }}
),

with_prerequisite as (
    select
        results.assessment_id,
        results.criterion_id,
        criteria.standard_version,
        criteria.practice_area,
        criteria.prerequisite_criterion_id,
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
    assessment_id,
    criterion_id,
    standard_version,
    practice_area,
    prerequisite_criterion_id,
    reported_status,
    is_reported_met and is_prerequisite_satisfied as is_met,
    is_reported_met and not is_prerequisite_satisfied as is_voided_by_prerequisite,
    loaded_at
from with_prerequisite
