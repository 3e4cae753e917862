{#- The 8-byte floating-point type, spelled as each engine spells it: `double` on DuckDB and
    Spark, `double precision` on PostgreSQL (which has no `double`) and by default (the SQL
    standard's name). dbt's own `type_float()` is no substitute: it gives a 4-byte FLOAT on DuckDB
    and Spark. Use it in casts: cast(x as {{ type_double() }}). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'wwc')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double precision{%- endmacro %}

{% macro duckdb__type_double() -%}double{%- endmacro %}

{% macro spark__type_double() -%}double{%- endmacro %}
