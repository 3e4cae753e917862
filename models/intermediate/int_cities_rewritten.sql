{#- The cities the running build rewrites (macros/refresh_scope.sql `cities_rewritten`):
    every city on a full build, a refresh's scope on a refresh. A table, so that the scope is
    computed once per build: the models keyed by city (dim_cities,
    int_city_mastery_characteristics, int_city_practice_area_results) read it. -#}
{{ config(materialized='table') }}

{{ cities_rewritten() }}
