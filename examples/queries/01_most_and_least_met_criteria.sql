-- The five most and five least met criteria over all assessments under the current standard,
-- with the 95% interval of each share.
select
    case when rank_most_met <= 5 then 'most met' else 'least met' end as side,
    criterion_code,
    criterion_name,
    practice_area,
    criteria_met,
    assessments,
    round(100 * share_met, 1) as pct_met,
    round(100 * share_met_lower_95, 1) as pct_lower_95,
    round(100 * share_met_upper_95, 1) as pct_upper_95
from reports.rpt_criterion_prevalence
where period = 'all years'
  and (rank_most_met <= 5 or rank_least_met <= 5)
order by share_met desc;
