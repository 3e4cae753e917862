-- Population bands and forms of government against the other cities, per practice area: the
-- ten comparisons closest to a finding. `finding` says 'differs' only when a city-level test,
-- Holm-adjusted across each report's comparisons, supports it; groups too small to compare are
-- never tested.
with compared as (
    select
        'population band' as grouping,
        population_band as grp,
        practice_area,
        cities,
        share_met,
        share_met_other_cities,
        p_value_adjusted,
        differs_from_other_cities
    from reports.rpt_achievement_by_population_band
    where not is_small_group
    union all
    select
        'form of government',
        form_of_government,
        practice_area,
        cities,
        share_met,
        share_met_other_cities,
        p_value_adjusted,
        differs_from_other_cities
    from reports.rpt_achievement_by_form_of_government
    where not is_small_group
)

select
    grouping,
    grp,
    practice_area,
    cities,
    round(100 * share_met, 1) as pct_met,
    round(100 * share_met_other_cities, 1) as pct_met_other_cities,
    round(p_value_adjusted, 4) as p_value_adjusted,
    case when differs_from_other_cities then 'differs' else 'no clear difference' end as finding
from compared
order by p_value_adjusted, grouping, practice_area, grp
limit 10;
