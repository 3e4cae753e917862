with source as (
    select * from {{ source('wwc', 'restatements') }}
)

select
    assessment_id,
    replaced_source_file,
    replacing_source_file,
    restated_at
from source
