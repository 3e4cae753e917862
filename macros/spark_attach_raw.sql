{#- `wwc build --target spark` step 1: register the raw Parquet files (written by the DuckDB
    loader, one folder per table under `location`) as tables of schema raw in the Spark
    metastore. Spark reads them where they are; run with `dbt run-operation`. -#}
{% macro spark_attach_raw(location, tables) %}
    {% do run_query('create schema if not exists raw') %}
    {% for table in tables %}
        {% do run_query('drop table if exists raw.' ~ table) %}
        {% do run_query("create table raw." ~ table ~ " using parquet location '"
                        ~ location ~ "/" ~ table ~ "'") %}
        {{ log('raw.' ~ table ~ ' -> ' ~ location ~ '/' ~ table, info=true) }}
    {% endfor %}
{% endmacro %}
