{#- Tests of differences, shared by the reports. A report flags a difference only when its
    p-value, adjusted with Holm's step-down method across the report's family of comparisons,
    is below var('wwc_significance_level'). -#}

{#- Two-sided p-value of a standard normal statistic z: erfc(|z| / sqrt 2), by Abramowitz and
    Stegun's formula 7.1.26 (absolute error below 1.5e-7, ample for a 0.05 threshold), because
    no normal distribution function is portable across DuckDB, PostgreSQL and Spark. -#}
{% macro normal_two_sided_p_value(z) -%}
    {%- set x = '(abs(' ~ z ~ ') / sqrt(2.0))' -%}
    {%- set t = '(1.0 / (1.0 + 0.3275911 * ' ~ x ~ '))' -%}
    case when {{ z }} is null then null else least(1.0,
        ({{ t }} * (0.254829592 + {{ t }} * (-0.284496736 + {{ t }} * (1.421413741
            + {{ t }} * (-1.453152027 + {{ t }} * 1.061405429)))))
        * exp(-{{ x }} * {{ x }})
    ) end
{%- endmacro %}

{#- Holm's adjusted p-values, in two steps because windows cannot nest. `holm_steps` adds, per
    row of `relation` with a p-value, (m - rank + 1) * p within its family (m = the family's
    tests, rank = the row's rank by p); `holm_adjusted` is then the running maximum of that step,
    capped at 1: adjusted p_(k) = min(1, max over j <= k of (m - j + 1) p_(j)). Rows without a
    p-value (not tested, e.g. groups too small to compare) are in no family and stay null. -#}
{% macro holm_steps(relation, p_value, family=none) -%}
    {%- set partition = (family ~ ', ') if family else '' -%}
    select
        {{ relation }}.*,
        case when {{ p_value }} is not null then
            cast(row_number() over (
                partition by {{ partition }}case when {{ p_value }} is null then 1 else 0 end
                order by {{ p_value }}
            ) as integer)
        end as holm_rank,
        case when {{ p_value }} is not null then
            (count({{ p_value }}) over ({{ 'partition by ' ~ family if family else '' }})
                - row_number() over (
                    partition by {{ partition }}case when {{ p_value }} is null then 1 else 0 end
                    order by {{ p_value }}
                ) + 1) * {{ p_value }}
        end as holm_step
    from {{ relation }}
{%- endmacro %}

{% macro holm_adjusted(family=none) -%}
    case when holm_step is not null then least(1.0, max(holm_step) over (
        partition by {{ (family ~ ', ') if family else '' }}case when holm_step is null then 1 else 0 end
        order by holm_rank
        rows between unbounded preceding and current row
    )) end
{%- endmacro %}
