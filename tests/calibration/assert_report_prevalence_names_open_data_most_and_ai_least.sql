-- Published: over the 2018-2019 assessments, publishing open data to a central location is the
-- most met criterion (74%), a documented AI policy or practice the least (under 1%). Read from
-- the report's all-years rows, as an analyst would.
with all_years as (
    select * from {{ ref('rpt_criterion_prevalence') }}
    where is_all_years
)

select 'expected 2018-OD3 alone at rank 1 with 74%' as problem, criterion_id, share_met
from all_years
where (rank_most_met = 1 and criterion_id <> '2018-OD3')
    or (criterion_id = '2018-OD3' and (rank_most_met <> 1 or round(share_met * 100) <> 74))
union all
select 'expected 2018-PA7 alone least met, under 1%', criterion_id, share_met
from all_years
where (rank_least_met = 1 and criterion_id <> '2018-PA7')
    or (criterion_id = '2018-PA7' and (rank_least_met <> 1 or not share_met < 0.01))
union all
select 'expected the all-years period to be 2018-2019', criterion_id, null
from all_years
where period_start_year <> 2018 or period_end_year <> 2019
