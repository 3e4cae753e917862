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
    assessments.is_current_standard
from results
inner join assessments
    on results.assessment_id = assessments.assessment_id
