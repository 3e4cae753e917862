with source as (
    select * from {{ source('wwc', 'criterion_results') }}
)

select
    assessment_id,
    criterion_id,
    lower(trim(status)) as status,
    lower(trim(status)) = 'met' as is_reported_met,
    cast(_loaded_at as timestamp) as loaded_at
from source
