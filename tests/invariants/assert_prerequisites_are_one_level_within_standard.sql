-- The prerequisite rule is applied one level deep: a prerequisite belongs to the same standard
-- and has no prerequisite of its own.
select criteria.criterion_id, criteria.prerequisite_criterion_id
from {{ ref('dim_criteria') }} as criteria
inner join {{ ref('dim_criteria') }} as prerequisite
    on criteria.prerequisite_criterion_id = prerequisite.criterion_id
where prerequisite.standard_version <> criteria.standard_version
    or prerequisite.prerequisite_criterion_id is not null
