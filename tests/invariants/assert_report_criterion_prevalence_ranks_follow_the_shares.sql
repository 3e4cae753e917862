-- Criterion prevalence ranks run within a period: rank_most_met is one more than the criteria of
-- the period met more often, rank_least_met one more than those met less often (ties share).
with prevalence as (
    select * from {{ ref('rpt_criterion_prevalence') }}
),

expected as (
    select
        prevalence.period,
        prevalence.criterion_id,
        prevalence.rank_most_met,
        prevalence.rank_least_met,
        sum(case when other.share_met > prevalence.share_met then 1 else 0 end) + 1 as most_rank,
        sum(case when other.share_met < prevalence.share_met then 1 else 0 end) + 1 as least_rank
    from prevalence
    inner join prevalence as other
        on prevalence.period = other.period
    group by
        prevalence.period, prevalence.criterion_id, prevalence.rank_most_met,
        prevalence.rank_least_met
)

select *
from expected
where rank_most_met <> most_rank
    or rank_least_met <> least_rank
