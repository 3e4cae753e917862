-- Invariant of the scoring rule: a criterion result is met exactly when it was reported met and,
-- if the criterion has a prerequisite, the prerequisite was reported met in the same assessment;
-- every reported result appears in the fact once, with its criterion's practice area. Checked
-- on the assessments the build wrote (all of them on a full build, a refresh's scope on a
-- refresh: macros/refresh_scope.sql).
with rewritten as (
    {{ assessments_rewritten() }}
),

reported as (
    select * from {{ ref('stg_wwc__criterion_results') }}
    where assessment_id in (select rewritten.assessment_id from rewritten)
),

criteria as (
    select * from {{ ref('dim_criteria') }}
),

facts as (
    select * from {{ ref('fct_criterion_results') }}
    where assessment_id in (select rewritten.assessment_id from rewritten)
),

expected as (
    select
        reported.assessment_id,
        reported.criterion_id,
        criteria.practice_area,
        reported.status = 'met'
        and (
            criteria.prerequisite_criterion_id is null
            or coalesce(prerequisite.status = 'met', false)
        ) as expected_is_met
    from reported
    inner join criteria
        on reported.criterion_id = criteria.criterion_id
    left join reported as prerequisite
        on reported.assessment_id = prerequisite.assessment_id
        and criteria.prerequisite_criterion_id = prerequisite.criterion_id
)

select
    coalesce(expected.assessment_id, facts.assessment_id) as assessment_id,
    coalesce(expected.criterion_id, facts.criterion_id) as criterion_id,
    expected.expected_is_met,
    facts.is_met,
    expected.practice_area as expected_practice_area,
    facts.practice_area
from expected
full outer join facts
    on expected.assessment_id = facts.assessment_id
    and expected.criterion_id = facts.criterion_id
where expected.assessment_id is null
    or facts.assessment_id is null
    or expected.expected_is_met <> facts.is_met
    or expected.practice_area <> facts.practice_area
