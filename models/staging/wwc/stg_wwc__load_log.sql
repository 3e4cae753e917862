with source as (
    select * from {{ source('wwc', 'load_log') }}
)

select
    file_name,
    sha256,
    -- Spark reads a naive Parquet timestamp as timestamp_ntz; every engine's `timestamp` here.
    cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
    outcome,
    rows_in_file,
    assessments,
    nullif(reasons, '') as reasons,
    stored_as
from source
