with criteria as (
    select * from {{ ref('stg_wwc__criteria') }}
),

prerequisites as (
    select distinct prerequisite_criterion_id as criterion_id
    from criteria
    where prerequisite_criterion_id is not null
)

select
    criteria.criterion_id,
    criteria.standard_version,
    criteria.practice_area,
    criteria.criterion_code,
    criteria.criterion_name,
    criteria.description,
    criteria.prerequisite_criterion_id,
    prerequisites.criterion_id is not null as is_prerequisite,
    criteria.wording_source
from criteria
left join prerequisites
    on criteria.criterion_id = prerequisites.criterion_id
