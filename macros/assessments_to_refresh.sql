{#- The assessments an incremental run of a fact recomputes: every assessment of a city with raw
    rows loaded after `since` (a new or restated assessment can renumber the city's others and
    move its entry cohort), or all of them when the current standard is no longer `standard`
    (which flips `is_current_standard`). Both default to what the fact being built (`this`)
    holds. The new rows are found in the staging views over raw (a scan of one timestamp
    column), never through scored results, whose prerequisite self-join would cost a pass over
    the whole history. The models that call it declare the staging refs with `-- depends_on:`,
    because dbt parses them with `is_incremental()` false. -#}
{% macro assessments_to_refresh(since=none, standard=none) -%}
    {%- set since = since or '(select max(loaded_at) from ' ~ this ~ ')' -%}
    {%- set standard = standard or '(select max(standard_version) from ' ~ this ~ ')' -%}
    select sequenced.assessment_id
    from {{ ref('int_assessments_sequenced') }} as sequenced
    where sequenced.city_id in (
        select city_id from {{ ref('stg_wwc__assessments') }}
        where loaded_at > {{ since }}
        union
        select assessments.city_id
        from {{ ref('stg_wwc__criterion_results') }} as results
        inner join {{ ref('stg_wwc__assessments') }} as assessments
            on results.assessment_id = assessments.assessment_id
        where results.loaded_at > {{ since }}
    )
    or (select max(standard_version) from {{ ref('int_assessments_sequenced') }}) <> {{ standard }}
{%- endmacro %}


{#- The assessments the last build wrote into the results fact, for the invariants that check
    every criterion result: on a refresh (raw.build_info records the fact it started from, see
    wwc/raw_loader.py `mark_refresh`) the refresh's scope, on a full build every assessment. The
    rows outside a refresh's scope are the published fact's, which passed the same check. -#}
{% macro assessments_rewritten() -%}
    {%- set info = source('wwc', 'build_info') -%}
    select assessment_id from {{ ref('int_assessments_sequenced') }}
    where (select refreshed_since from {{ info }}) is null
    union
    {{ assessments_to_refresh(
        since='(select refreshed_since from ' ~ info ~ ')',
        standard='(select refreshed_from_standard from ' ~ info ~ ')'
    ) }}
{%- endmacro %}
