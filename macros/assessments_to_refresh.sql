{#- The assessments an incremental run of a fact recomputes: every assessment of a city with raw
    rows loaded since the fact was last built (a new or restated assessment can renumber the
    city's others and move its entry cohort), or all of them when the current standard changed
    (which flips `is_current_standard`). -#}
{% macro assessments_to_refresh() -%}
    select sequenced.assessment_id
    from {{ ref('int_assessments_sequenced') }} as sequenced
    where sequenced.city_id in (
        select city_id from {{ ref('int_assessments_sequenced') }}
        where loaded_at > (select max(loaded_at) from {{ this }})
        union
        select assessments.city_id
        from {{ ref('int_criterion_results_scored') }} as results
        inner join {{ ref('int_assessments_sequenced') }} as assessments
            on results.assessment_id = assessments.assessment_id
        where results.loaded_at > (select max(loaded_at) from {{ this }})
    )
    or (select max(standard_version) from {{ ref('int_assessments_sequenced') }})
        <> (select max(standard_version) from {{ this }})
{%- endmacro %}
