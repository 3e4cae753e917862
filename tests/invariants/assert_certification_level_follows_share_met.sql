-- Invariant of the standard: from the 2018 standard on, an assessment's level is the one its
-- share of criteria met earns under the published thresholds
-- (macros/certification_level_for_share), with the share recomputed here from the scored results
-- (prerequisite rule applied) over the criteria of the assessment's standard, not taken from
-- fct_assessments.
with assessments as (
    select * from {{ ref('fct_assessments') }}
),

results as (
    select * from {{ ref('fct_criterion_results') }}
),

criteria as (
    select * from {{ ref('dim_criteria') }}
),

met as (
    select assessment_id, sum(case when is_met then 1 else 0 end) as criteria_met
    from results
    group by assessment_id
),

standard_size as (
    select standard_version, count(*) as criteria_total
    from criteria
    group by standard_version
),

recomputed as (
    select
        assessments.assessment_id,
        assessments.standard_version,
        assessments.certification_level,
        assessments.criteria_met,
        assessments.criteria_total,
        assessments.share_met,
        coalesce(met.criteria_met, 0) as expected_met,
        standard_size.criteria_total as expected_total,
        cast(coalesce(met.criteria_met, 0) as {{ type_double() }}) / standard_size.criteria_total
            as expected_share
    from assessments
    inner join standard_size
        on assessments.standard_version = standard_size.standard_version
    left join met
        on assessments.assessment_id = met.assessment_id
)

select
    assessment_id,
    certification_level,
    {{ certification_level_for_share('expected_share', 'standard_version') }} as expected_level,
    share_met,
    expected_share,
    criteria_met,
    expected_met,
    criteria_total,
    expected_total
from recomputed
where criteria_met <> expected_met
    or criteria_total <> expected_total
    or abs(share_met - expected_share) > 1e-9
    or (
        standard_version >= 2018
        and certification_level
        <> {{ certification_level_for_share('expected_share', 'standard_version') }}
    )
