with source as (
    select * from {{ source('wwc', 'criteria') }}
)

select
    criterion_id,
    standard_version,
    trim(practice_area) as practice_area,
    criterion_code,
    criterion_name,
    description,
    nullif(trim(prerequisite_criterion_id), '') as prerequisite_criterion_id,
    lower(trim(wording_source)) as wording_source
from source
