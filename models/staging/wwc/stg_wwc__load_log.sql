with source as (
    select * from {{ source('wwc', 'load_log') }}
)

select
    file_name,
    sha256,
    received_at,
    outcome,
    rows_in_file,
    assessments,
    nullif(reasons, '') as reasons,
    stored_as
from source
