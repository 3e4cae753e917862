-- Cities per state and how many hold a certification now (level of their latest assessment).
select
    state_code,
    count(*) as cities,
    count(*) filter (where latest_certification_level <> 'none') as certified,
    count(*) filter (where latest_certification_level in ('gold', 'platinum')) as gold_or_better
from marts.dim_cities
group by state_code
order by certified desc, cities desc, state_code;
