-- Published: under 1 percent of 2018-2019 assessments confirmed a documented policy or practice
-- on artificial intelligence, the least achieved criterion.
with prevalence as (
    select criterion_id, avg(case when is_met then 1.0 else 0.0 end) as share_met
    from {{ ref('fct_criterion_results') }}
    where assessment_year in (2018, 2019)
    group by criterion_id
),

ai_policy as (
    select share_met
    from prevalence
    where criterion_id = '2018-PA7'
)

select 'criterion 2018-PA7 has no results' as problem, null as criterion_id, null as share_met
where not exists (select 1 from ai_policy)
union all
select 'not between 0 and 1 percent', criterion_id, share_met
from prevalence
where criterion_id = '2018-PA7' and not (share_met > 0 and share_met < 0.01)
union all
select 'met less often than 2018-PA7', prevalence.criterion_id, prevalence.share_met
from prevalence
cross join ai_policy
where prevalence.criterion_id <> '2018-PA7' and prevalence.share_met <= ai_policy.share_met
