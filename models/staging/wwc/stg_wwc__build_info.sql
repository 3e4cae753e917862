{#- The one row each build writes about itself (wwc/raw_loader.py): on a refresh, where it
    started. Read through macros/refresh_scope.sql, for what a build rewrites. -#}
with source as (
    select * from {{ source('wwc', 'build_info') }}
)

select
    seeds_fingerprint,
    refreshed_since,
    refreshed_from_standard
from source
