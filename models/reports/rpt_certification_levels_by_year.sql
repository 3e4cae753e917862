{#- Certified cities per certification cohort (the announcement year, assessment year + 1, as the
    article counts it: the 2018 cohort comes from the 2017 assessments). A city keeps the level
    of its latest assessment up to the cohort, so a city that does not reapply stays at its level
    and a city whose latest assessment earned nothing is not counted as certified. Levels are
    compared across the 2018 change of criteria (none < silver < gold < platinum): a
    certification is a certification, whichever standard awarded it. -#}
with assessments as (
    select * from {{ ref('fct_assessments') }}
),

cohorts as (
    select distinct certification_cohort from assessments
),

latest as (
    -- Each city's latest assessment as of each cohort.
    select
        cohorts.certification_cohort,
        assessments.city_id,
        assessments.certification_level,
        row_number() over (
            partition by cohorts.certification_cohort, assessments.city_id
            order by assessments.submitted_date desc, assessments.assessment_id desc
        ) as recency
    from cohorts
    inner join assessments
        on cohorts.certification_cohort >= assessments.certification_cohort
),

standing as (
    select
        certification_cohort,
        city_id,
        certification_level,
        case certification_level
            when 'silver' then 1
            when 'gold' then 2
            when 'platinum' then 3
            else 0
        end as level_rank
    from latest
    where recency = 1
),

with_previous as (
    -- The city's standing at the previous cohort (rank 0 if it had not applied yet) and whether
    -- it had ever been certified before this cohort.
    select
        standing.*,
        coalesce(lag(standing.level_rank) over (
            partition by standing.city_id order by standing.certification_cohort
        ), 0) as previous_level_rank,
        coalesce(max(standing.level_rank) over (
            partition by standing.city_id order by standing.certification_cohort
            rows between unbounded preceding and 1 preceding
        ), 0) as best_earlier_level_rank
    from standing
),

assessed as (
    select
        certification_cohort,
        count(*) as assessments,
        count(distinct city_id) as cities_assessed
    from assessments
    group by certification_cohort
),

counted as (
    select
        certification_cohort,
        sum(case when level_rank = 1 then 1 else 0 end) as silver,
        sum(case when level_rank = 2 then 1 else 0 end) as gold,
        sum(case when level_rank = 3 then 1 else 0 end) as platinum,
        sum(case when level_rank > 0 then 1 else 0 end) as total_certified,
        sum(case when level_rank > 0 and best_earlier_level_rank = 0 then 1 else 0 end)
            as newly_certified,
        sum(
            case when previous_level_rank > 0 and level_rank > previous_level_rank then 1 else 0 end
        ) as moved_up,
        sum(
            case
                when previous_level_rank > 0 and level_rank = 2 and previous_level_rank < 2 then 1
                else 0
            end
        ) as moved_up_to_gold,
        sum(
            case
                when previous_level_rank > 0 and level_rank = 3 and previous_level_rank < 3 then 1
                else 0
            end
        ) as moved_up_to_platinum,
        sum(case when level_rank > 0 and level_rank < previous_level_rank then 1 else 0 end)
            as moved_down,
        sum(case when level_rank = 0 and previous_level_rank > 0 then 1 else 0 end)
            as no_longer_certified,
        sum(
            case
                when level_rank > 0 and best_earlier_level_rank > 0 and previous_level_rank = 0
                    then 1
                else 0
            end
        ) as certified_again
    from with_previous
    group by certification_cohort
)

select
    cast(counted.certification_cohort as integer) as certification_cohort,
    cast(counted.certification_cohort - 1 as integer) as assessment_year,
    cast(assessed.assessments as integer) as assessments,
    cast(assessed.cities_assessed as integer) as cities_assessed,
    cast(counted.silver as integer) as silver,
    cast(counted.gold as integer) as gold,
    cast(counted.platinum as integer) as platinum,
    cast(counted.total_certified as integer) as total_certified,
    cast(counted.newly_certified as integer) as newly_certified,
    cast(counted.moved_up as integer) as moved_up,
    cast(counted.moved_up_to_gold as integer) as moved_up_to_gold,
    cast(counted.moved_up_to_platinum as integer) as moved_up_to_platinum,
    cast(sum(counted.moved_up_to_gold) over (
        order by counted.certification_cohort rows between unbounded preceding and current row
    ) as integer) as moved_up_to_gold_to_date,
    cast(sum(counted.moved_up_to_platinum) over (
        order by counted.certification_cohort rows between unbounded preceding and current row
    ) as integer) as moved_up_to_platinum_to_date,
    cast(counted.moved_down as integer) as moved_down,
    cast(counted.no_longer_certified as integer) as no_longer_certified,
    cast(counted.certified_again as integer) as certified_again
from counted
inner join assessed
    on counted.certification_cohort = assessed.certification_cohort
