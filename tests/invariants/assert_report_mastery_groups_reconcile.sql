-- Mastery characteristics: masters and others together are every city with an assessment under
-- the current standard; the shares of cities over the categories of one characteristic sum to 1
-- in each non-empty group; every share row of two non-empty groups carries Cohen's h; a row is
-- ranked exactly when it has an effect size. (Real data may have no masters yet: that is not an
-- error; the calibration figures are checked in pytest.)
with report as (
    select * from {{ ref('rpt_mastery_characteristics') }}
),

cities as (
    select count(distinct city_id) as cities
    from {{ ref('fct_assessments') }}
    where is_current_standard
),

categorised as (
    select
        case
            when characteristic like 'population band %' then 'population band'
            when characteristic like 'form of government %' then 'form of government'
            when characteristic like 'entry cohort %' then 'entry cohort'
        end as category,
        masters_value,
        others_value
    from report
    where statistic = 'share of cities'
        and masters_cities > 0
        and others_cities > 0
        and (
            characteristic like 'population band %'
            or characteristic like 'form of government %'
            or characteristic like 'entry cohort %'
        )
),

category_sums as (
    select
        category,
        sum(masters_value) as masters_total,
        sum(others_value) as others_total
    from categorised
    group by category
)

select
    'masters + others <> cities with a current-standard assessment' as problem,
    null as detail
from report
cross join cities
where report.masters_cities + report.others_cities <> cities.cities
union all
select 'shares do not sum to 1 in ' || category, null
from category_sums
where abs(masters_total - 1) > 1e-9 or abs(others_total - 1) > 1e-9
union all
select 'expected 3 categorical characteristics', cast(count(*) as {{ dbt.type_string() }})
from category_sums
having count(*) <> 3
    and (select min(report.masters_cities) from report) > 0
    and (select min(report.others_cities) from report) > 0
union all
select '{{ dbt.escape_single_quotes("share of cities without Cohen's h") }}', characteristic
from report
where statistic = 'share of cities'
    and masters_cities > 0
    and others_cities > 0
    and effect_size is null
union all
select 'ranked without an effect size, or the reverse', characteristic
from report
where (effect_size is null and rank_by_effect_size is not null)
    or (effect_size is not null and rank_by_effect_size is null)
union all
select 'rank_among_city_traits set on a mastery component', characteristic
from report
where is_mastery_component and rank_among_city_traits is not null
