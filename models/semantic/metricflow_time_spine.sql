-- One row per day from 2015 to 2034: the time spine MetricFlow needs to place metrics on dates.
-- Built from digits rather than an engine's series function, so it runs on every target.
with

digits as (

    select 0 as digit
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9

),

day_numbers as (

    select
        thousands.digit * 1000 + hundreds.digit * 100 + tens.digit * 10 + ones.digit
            as day_number
    from digits as thousands
    cross join digits as hundreds
    cross join digits as tens
    cross join digits as ones

),

days as (

    select
        cast(
            {{ dbt.dateadd('day', 'day_number', "cast('2015-01-01' as date)") }} as date
        ) as date_day
    from day_numbers

)

select date_day
from days
where date_day < cast('2035-01-01' as date)
