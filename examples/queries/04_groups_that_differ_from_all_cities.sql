-- Population bands and forms of government whose share met in a practice area differs from
-- all cities by more than its 95% interval, leaving out groups too small to compare.
select
    'population band' as grouping,
    population_band as grp,
    practice_area,
    cities,
    round(100 * share_met, 1) as pct_met,
    round(100 * share_met_all_groups, 1) as pct_met_all_cities
from reports.rpt_achievement_by_population_band
where not is_small_group
  and share_met_all_groups not between share_met_lower_95 and share_met_upper_95
union all
select
    'form of government',
    form_of_government,
    practice_area,
    cities,
    round(100 * share_met, 1),
    round(100 * share_met_all_groups, 1)
from reports.rpt_achievement_by_form_of_government
where not is_small_group
  and share_met_all_groups not between share_met_lower_95 and share_met_upper_95
order by grouping, practice_area, grp;
