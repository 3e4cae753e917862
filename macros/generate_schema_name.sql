{#- Schemas are named as configured (marts, staging, ...), without a target prefix, so that
    analysts type `marts.fct_assessments`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
