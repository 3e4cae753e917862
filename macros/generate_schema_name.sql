{#- Schemas are named as configured (marts, staging, ...), without a target prefix, so that
    analysts type `marts.fct_assessments`. `wwc build --target postgres` sets the var
    `wwc_schema_suffix` to build every schema beside the published one, then swaps them all in
    one transaction (wwc/targets/postgres.py). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{{ var('wwc_schema_suffix', '') }}{%- endif -%}
{%- endmacro %}
