-- Differences by population band: each group against the other cities, with the
-- city-clustered 95% interval of its share and the report's Holm-adjusted test. A difference is
-- named only where differs_from_other_cities says so; otherwise the words are "no clear difference".
select
    population_band,
    population_band_order,
    practice_area,
    cities,
    assessments,
    criterion_results,
    criteria_met,
    share_met,
    share_met_lower_95,
    share_met_upper_95,
    share_met_all_groups,
    share_met_other_cities,
    share_met - share_met_other_cities as difference_from_other_cities,
    is_small_group,
    p_value_adjusted,
    differs_from_other_cities,
    case
        when is_small_group then 'too few to compare'
        when differs_from_other_cities and share_met > share_met_other_cities
            then 'higher than the other cities'
        when differs_from_other_cities then 'lower than the other cities'
        else 'no clear difference'
    end as finding
from reports.rpt_achievement_by_population_band
order by population_band_order nulls last, practice_area
