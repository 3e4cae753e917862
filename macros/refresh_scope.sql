{#- A build's scope: what an incremental model of a refresh selects (cities_to_refresh,
    assessments_to_refresh) and what the running build wrote (build_info, cities_rewritten,
    assessments_rewritten), for the models keyed by city and the checks on what a build wrote. -#}

{#- The cities an incremental run rewrites: every city with raw rows loaded after `since` (a new or
    restated assessment can renumber the city's others and move its entry cohort; a landing row
    that describes its city also carries one of its assessments, and no file moves an
    assessment to another city), or every assessed city when the current standard is no longer
    `standard` (which flips `is_current_standard`). The new rows are found in the staging views
    over raw (a scan of one timestamp column), never through scored results, whose prerequisite
    self-join would cost a pass over the whole history. The models that call it declare the
    staging refs with `-- depends_on:`, because dbt parses them with `is_incremental()` false. -#}
{% macro cities_to_refresh(since, standard) -%}
    select city_id from {{ ref('stg_wwc__assessments') }}
    where loaded_at > {{ since }}
    union
    select assessments.city_id
    from {{ ref('stg_wwc__criterion_results') }} as results
    inner join {{ ref('stg_wwc__assessments') }} as assessments
        on results.assessment_id = assessments.assessment_id
    where results.loaded_at > {{ since }}
    union
    select city_id from {{ ref('int_assessments_sequenced') }}
    where (select max(standard_version) from {{ ref('int_assessments_sequenced') }}) <> {{ standard }}
{%- endmacro %}


{#- The assessments an incremental run of a fact recomputes: every assessment of the cities of
    `cities_to_refresh`. `since` and `standard` default to what the fact being built (`this`)
    holds. -#}
{% macro assessments_to_refresh(since=none, standard=none) -%}
    {%- set since = since or '(select max(loaded_at) from ' ~ this ~ ')' -%}
    {%- set standard = standard or '(select max(standard_version) from ' ~ this ~ ')' -%}
    select sequenced.assessment_id
    from {{ ref('int_assessments_sequenced') }} as sequenced
    where sequenced.city_id in ({{ cities_to_refresh(since, standard) }})
{%- endmacro %}


{#- What the running build writes (stg_wwc__build_info: the fact a refresh starts from, see
    wwc/raw_loader.py `mark_refresh`): on a refresh its scope, on a full build (or a refresh
    that rebuilds in full) everything. For the models keyed by city, which hold no load time of
    their own (through the table int_cities_rewritten, computed once per build), and for the
    invariants and grain tests on what a build wrote, which work it out again (a Dagster run of
    some of the models may leave the table out): the rows outside a refresh's scope are the
    published warehouse's, which passed the same checks.
    build_info: one value of the build's row, refreshed_since (null on a full build) or
    refreshed_from_standard. -#}
{% macro build_info(column) -%}
    (select {{ column }} from {{ ref('stg_wwc__build_info') }})
{%- endmacro %}

{% macro cities_rewritten() -%}
    select city_id from {{ ref('stg_wwc__cities') }}
    where {{ build_info('refreshed_since') }} is null
    union
    {{ cities_to_refresh(
        since=build_info('refreshed_since'), standard=build_info('refreshed_from_standard')
    ) }}
{%- endmacro %}

{% macro assessments_rewritten() -%}
    select assessment_id from {{ ref('int_assessments_sequenced') }}
    where {{ build_info('refreshed_since') }} is null
        or city_id in ({{ cities_rewritten() }})
{%- endmacro %}


{#- The pre-hook of an incremental model keyed by city whose city can lose every row (no longer a
    current-standard assessment), so that delete+insert, which deletes only the keys it
    inserts, would not do: delete the rows of the cities the build rewrites, then append
    theirs. -#}
{% macro delete_rewritten_cities() -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where city_id in (select city_id from {{ ref('int_cities_rewritten') }})
    {%- endif -%}
{%- endmacro %}
