-- Population bands and forms of government whose share met in a practice area differs from
-- the other cities', by a city-level test Holm-adjusted across each report's comparisons.
-- Groups too small to compare are never flagged. No row means no clear difference.
select
    'population band' as grouping,
    population_band as grp,
    practice_area,
    cities,
    round(100 * share_met, 1) as pct_met,
    round(100 * share_met_other_cities, 1) as pct_met_other_cities,
    round(p_value_adjusted, 4) as p_value_adjusted
from reports.rpt_achievement_by_population_band
where differs_from_other_cities
union all
select
    'form of government',
    form_of_government,
    practice_area,
    cities,
    round(100 * share_met, 1),
    round(100 * share_met_other_cities, 1),
    round(p_value_adjusted, 4)
from reports.rpt_achievement_by_form_of_government
where differs_from_other_cities
order by grouping, practice_area, grp;
