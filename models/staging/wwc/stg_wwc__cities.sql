with source as (
    select * from {{ source('wwc', 'cities') }}
)

select
    city_id,
    trim(city_name) as city_name,
    upper(trim(state_code)) as state_code,
    population,
    population_year,
    lower(trim(form_of_government)) as form_of_government
from source
