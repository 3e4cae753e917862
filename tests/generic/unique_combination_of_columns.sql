{#- A grain of several columns holds: no two rows share the values of every column in
    combination_of_columns (nulls count as equal, as in a group by). The signature of dbt_utils'
    unique_combination_of_columns, which the project cannot install (no dbt hub packages), so
    that the project's rules (tests/test_project_rules.py, after dbt-project-evaluator's
    fct_missing_primary_key_tests) count it as a primary-key test. Fails with one row per
    duplicated combination and its number of rows.
    rewritten_assessments_only (this project's): check only the rows of the assessments the
    build wrote (macros/refresh_scope.sql `assessments_rewritten`): every row on a full
    build, a refresh's scope on a refresh. The rows outside a refresh's scope are the published
    warehouse's, which passed the same test, and a refresh writes no row outside its scope.
    rewritten_cities_only (this project's): the same for a model keyed by city, on the cities
    of `cities_rewritten`, worked out again rather than read from int_cities_rewritten, which a
    Dagster run of some of the models may leave out. At most one of the two. -#}
{% test unique_combination_of_columns(
    model, combination_of_columns, quote_columns=false, rewritten_assessments_only=false,
    rewritten_cities_only=false
) %}
{%- if quote_columns not in [true, false] -%}
    {{ exceptions.raise_compiler_error(
        "unique_combination_of_columns: quote_columns must be true or false, got "
        ~ quote_columns) }}
{%- endif -%}
{%- if rewritten_assessments_only and rewritten_cities_only -%}
    {{ exceptions.raise_compiler_error(
        "unique_combination_of_columns: rewritten_assessments_only and rewritten_cities_only "
        ~ "exclude each other") }}
{%- endif -%}
{%- set columns = [] -%}
{%- for column in combination_of_columns -%}
    {%- do columns.append(adapter.quote(column) if quote_columns else column) -%}
{%- endfor -%}
{%- set column_list = columns | join(', ') -%}
with duplicated as (
    select
        {{ column_list }},
        count(*) as n_records
    from {{ model }}
    {%- if rewritten_assessments_only %}
    where assessment_id in ({{ assessments_rewritten() }})
    {%- elif rewritten_cities_only %}
    where city_id in ({{ cities_rewritten() }})
    {%- endif %}
    group by {{ column_list }}
    having count(*) > 1
)

select * from duplicated
{% endtest %}
