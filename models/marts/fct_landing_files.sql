{#- What came in and what was refused: one row per landing file received, with the assessments
    it restated. -#}
with load_log as (
    select * from {{ ref('stg_wwc__load_log') }}
),

restated as (
    select replacing_source_file, count(distinct assessment_id) as assessments_restated
    from {{ ref('stg_wwc__restatements') }}
    group by replacing_source_file
)

select
    load_log.stored_as,
    load_log.file_name,
    load_log.sha256,
    load_log.received_at,
    cast(load_log.received_at as date) as received_date,
    load_log.outcome,
    cast(load_log.rows_in_file as integer) as rows_in_file,
    cast(load_log.assessments as integer) as assessments,
    cast(coalesce(restated.assessments_restated, 0) as integer) as assessments_restated,
    load_log.reasons
from load_log
left join restated
    on load_log.stored_as = restated.replacing_source_file
