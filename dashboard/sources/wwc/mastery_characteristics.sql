-- What distinguishes masters (latest current-standard assessment certified gold or platinum).
-- An effect is named only where differs_from_others says so; otherwise "no clear difference".
select
    characteristic_group,
    characteristic,
    statistic,
    masters_cities,
    others_cities,
    masters_value,
    others_value,
    difference,
    effect_size,
    effect_measure,
    test_name,
    p_value_adjusted,
    differs_from_others,
    coalesce(effect_magnitude, 'descriptive (not tested)') as effect_magnitude,
    is_mastery_component,
    rank_by_effect_size,
    rank_among_city_traits,
    case
        when statistic = 'median' then 'descriptive (not tested)'
        when differs_from_others and difference > 0 then effect_magnitude || ': masters have more'
        when differs_from_others then effect_magnitude || ': masters have less'
        else 'no clear difference'
    end as finding
from reports.rpt_mastery_characteristics
order by is_mastery_component, rank_by_effect_size nulls last, characteristic, statistic
