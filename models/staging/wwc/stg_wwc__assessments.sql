with source as (
    select * from {{ source('wwc', 'assessments') }}
)

select
    assessment_id,
    city_id,
    submitted_date,
    standard_version,
    lower(trim(certification_level)) as certification_level,
    cast(_loaded_at as timestamp) as loaded_at
from source
