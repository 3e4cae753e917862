{#- Are there differences in criteria achievement by city population size? Share of criteria met
    per population band and practice area, current standard, with 95% Wilson intervals and a flag
    on bands too small to compare (see macros/achievement_by_city_group). -#}
{{ achievement_by_city_group(
    'cities.population_band', 'population_band',
    population_band_order('cities.population'), 'population_band_order'
) }}
