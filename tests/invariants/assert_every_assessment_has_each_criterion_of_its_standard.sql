-- Every assessment carries exactly one result for each criterion of its standard version, so
-- shares met are comparable between assessments.
with expected as (
    select standard_version, count(*) as criteria
    from {{ ref('dim_criteria') }}
    group by standard_version
)

select assessments.assessment_id, assessments.criteria_total, expected.criteria
from {{ ref('fct_assessments') }} as assessments
left join expected
    on assessments.standard_version = expected.standard_version
where expected.criteria is null or assessments.criteria_total <> expected.criteria
