{#- Are there differences in criteria achievement by a city's form of government? Share of
    criteria met per form of government and practice area, current standard, with 95% Wilson
    intervals and a flag on groups too small to compare (see macros/achievement_by_city_group). -#}
{{ achievement_by_city_group('cities.form_of_government', 'form_of_government') }}
