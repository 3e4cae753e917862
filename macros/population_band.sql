{#- Population bands used across marts and reports. WWC Certification is open to cities of
    30,000+; smaller places in real data fall into the first band. -#}
{% macro population_band(population) -%}
    case
        when {{ population }} is null then null
        when {{ population }} < 50000 then 'under 50k'
        when {{ population }} < 100000 then '50k-100k'
        when {{ population }} < 250000 then '100k-250k'
        when {{ population }} < 500000 then '250k-500k'
        else '500k and over'
    end
{%- endmacro %}

{#- Sort position of the band population_band() gives (1 = smallest), for reports and BI tools
    that would otherwise sort the labels alphabetically. -#}
{% macro population_band_order(population) -%}
    case
        when {{ population }} is null then null
        when {{ population }} < 50000 then 1
        when {{ population }} < 100000 then 2
        when {{ population }} < 250000 then 3
        when {{ population }} < 500000 then 4
        else 5
    end
{%- endmacro %}
