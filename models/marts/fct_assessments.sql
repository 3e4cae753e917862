with assessments as (
    select * from {{ ref('int_assessments_sequenced') }}
),

scores as (
    select
        assessment_id,
        cast(sum(case when is_met then 1 else 0 end) as integer) as criteria_met,
        cast(count(*) as integer) as criteria_total,
        cast(sum(case when is_voided_by_prerequisite then 1 else 0 end) as integer)
            as criteria_voided_by_prerequisite
    from {{ ref('int_criterion_results_scored') }}
    group by assessment_id
),

scored as (
    select
        assessments.*,
        coalesce(scores.criteria_met, 0) as criteria_met,
        coalesce(scores.criteria_total, 0) as criteria_total,
        coalesce(scores.criteria_voided_by_prerequisite, 0) as criteria_voided_by_prerequisite,
        cast(scores.criteria_met as {{ type_double() }}) / nullif(scores.criteria_total, 0) as share_met
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
    {{ certification_level_for_share('share_met', 'standard_version') }} as certification_level_by_share
from scored
