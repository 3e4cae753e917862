-- Most and least met criteria (current standard), ranked within each period.
select
    period,
    is_all_years,
    criterion_id,
    criterion_code,
    criterion_name,
    practice_area,
    wording_source,
    cities,
    assessments,
    criteria_met,
    share_met,
    share_met_lower_95,
    share_met_upper_95,
    rank_most_met,
    rank_least_met
from reports.rpt_criterion_prevalence
order by period, rank_most_met, criterion_code
