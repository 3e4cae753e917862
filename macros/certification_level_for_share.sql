{#- The level a share of criteria met earns under a standard version.
    2018 standard (published): silver 51-66%, gold 67-83%; platinum from 84% is assumed (the
    published band was cut off). 2022 standard (published): silver 51-67%, gold 68-84%,
    platinum 85%+. The 2017 rules counted WWC Standard components, not shares: null. -#}
{% macro certification_level_for_share(share_met, standard_version) -%}
    case
        when {{ standard_version }} < 2018 or {{ share_met }} is null then null
        when {{ standard_version }} < 2022 then
            case
                when {{ share_met }} >= 0.84 then 'platinum'
                when {{ share_met }} >= 0.67 then 'gold'
                when {{ share_met }} >= 0.51 then 'silver'
                else 'none'
            end
        else
            case
                when {{ share_met }} >= 0.85 then 'platinum'
                when {{ share_met }} >= 0.68 then 'gold'
                when {{ share_met }} >= 0.51 then 'silver'
                else 'none'
            end
    end
{%- endmacro %}
