-- Published: publishing open data to a central public online location was the most commonly
-- achieved criterion, met by 74 percent of 2018-2019 assessments.
with prevalence as (
    select criterion_id, avg(case when is_met then 1.0 else 0.0 end) as share_met
    from {{ ref('fct_criterion_results') }}
    where assessment_year in (2018, 2019)
    group by criterion_id
),

open_data as (
    select share_met
    from prevalence
    where criterion_id = '2018-OD3'
)

select 'criterion 2018-OD3 has no results' as problem, null as criterion_id, null as share_met
where not exists (select 1 from open_data)
union all
select 'share does not round to 74%', criterion_id, share_met
from prevalence
where criterion_id = '2018-OD3' and round(share_met * 100) <> 74
union all
select 'met at least as often as 2018-OD3', prevalence.criterion_id, prevalence.share_met
from prevalence
cross join open_data
where prevalence.criterion_id <> '2018-OD3' and prevalence.share_met >= open_data.share_met
