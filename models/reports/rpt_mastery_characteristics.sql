{#- What distinguishes cities that master the foundational practices (gold or platinum at their
    latest current-standard assessment; int_city_mastery_characteristics) from the others?

    Long format: one row per characteristic and statistic, with its value among masters and
    among others, the difference and an effect size: Cohen's h for shares of cities, the
    standardized mean difference (pooled SD, Cohen's d) for numeric characteristics; medians
    are descriptive.

    Each characteristic is tested with Fisher's exact test on a 2 x 2 table of cities (masters
    or not x in the category or not; for a numeric characteristic, above the median of all
    cities or not: the exact form of Mood's median test), two-sided (the tables no more likely
    than the observed one), so the test holds with ten masters as with ten thousand. Holm's
    correction runs across the city traits, and separately across the shares met that define
    mastery (is_mastery_component). An effect-size label is given only when the difference is
    significant (differs_from_others); otherwise effect_magnitude says 'no clear difference'.

    Apostrophes in literals go through dbt.escape_single_quotes: Spark reads 'Cohen''s h' as two
    adjacent literals, 'Cohens h'. -#}
with characteristics as (
    select * from {{ ref('int_city_mastery_characteristics') }}
    where value is not null
),

cities as (
    select distinct city_id, is_master from {{ ref('int_city_mastery_characteristics') }}
),

group_sizes as (
    select
        sum(is_master) as masters,
        sum(1 - is_master) as others
    from cities
),

category_counts as (
    -- A city has a row, value 1, for each category it is in: the masters and others in each.
    select
        characteristic_group,
        characteristic,
        sum(case when is_master = 1 then 1 else 0 end) as masters_in,
        sum(case when is_master = 1 then 0 else 1 end) as others_in
    from characteristics
    where characteristic_kind = 'category'
    group by characteristic_group, characteristic
),

number_moments as (
    select
        characteristic_group,
        characteristic,
        is_master,
        count(*) as n,
        avg(value) as mean_value,
        var_samp(value) as variance,
        percentile_cont(0.5) within group (order by value) as median_value
    from characteristics
    where characteristic_kind = 'number'
    group by characteristic_group, characteristic, is_master
),

compared_values as (
    -- A category's share of each group's cities, when both groups have cities.
    select
        category_counts.characteristic_group,
        category_counts.characteristic,
        'category' as characteristic_kind,
        cast(category_counts.masters_in as {{ type_double() }}) / group_sizes.masters
            as masters_mean,
        cast(category_counts.others_in as {{ type_double() }}) / group_sizes.others
            as others_mean,
        cast(null as {{ type_double() }}) as masters_median,
        cast(null as {{ type_double() }}) as others_median,
        cast(null as {{ type_double() }}) as pooled_sd
    from category_counts
    cross join group_sizes
    where group_sizes.masters > 0 and group_sizes.others > 0
    union all
    select
        masters.characteristic_group,
        masters.characteristic,
        'number' as characteristic_kind,
        masters.mean_value as masters_mean,
        others.mean_value as others_mean,
        masters.median_value as masters_median,
        others.median_value as others_median,
        sqrt(
            ((masters.n - 1) * masters.variance + (others.n - 1) * others.variance)
            / nullif(masters.n + others.n - 2, 0)
        ) as pooled_sd
    from number_moments as masters
    inner join number_moments as others
        on masters.characteristic = others.characteristic
        and masters.is_master = 1
        and others.is_master = 0
),

-- Fisher's exact test. A numeric characteristic is cut at the median of all cities.
overall_medians as (
    select
        characteristic,
        percentile_cont(0.5) within group (order by value) as median_value
    from characteristics
    where characteristic_kind = 'number'
    group by characteristic
),

dichotomized as (
    select
        characteristics.characteristic,
        characteristics.is_master,
        case when characteristics.value > overall_medians.median_value then 1 else 0 end
            as has_trait
    from characteristics
    inner join overall_medians
        on characteristics.characteristic = overall_medians.characteristic
),

tables as (
    -- N cities, n masters, K cities with the trait, x masters with it.
    select
        category_counts.characteristic,
        group_sizes.masters + group_sizes.others as total_n,
        group_sizes.masters as masters_n,
        category_counts.masters_in + category_counts.others_in as trait_n,
        category_counts.masters_in as masters_with_trait
    from category_counts
    cross join group_sizes
    union all
    select
        characteristic,
        count(*),
        sum(is_master),
        sum(has_trait),
        sum(is_master * has_trait)
    from dichotomized
    group by characteristic
),

counts as (
    select 0 as i
    union all
    select cast(row_number() over (order by city_id) as integer) as i from cities
),

log_factorials as (
    select
        i,
        sum(case when i > 0 then ln(cast(i as {{ type_double() }})) else 0.0 end) over (
            order by i rows between unbounded preceding and current row
        ) as lf
    from counts
),

tables_with_constants as (
    -- log of K! (N - K)! n! (N - n)! / N!, the part of every table's probability that the
    -- margins fix.
    select
        tables.*,
        lf_k.lf + lf_not_k.lf + lf_n.lf + lf_not_n.lf - lf_total.lf as log_margins
    from tables
    inner join log_factorials as lf_k on tables.trait_n = lf_k.i
    inner join log_factorials as lf_not_k on tables.total_n - tables.trait_n = lf_not_k.i
    inner join log_factorials as lf_n on tables.masters_n = lf_n.i
    inner join log_factorials as lf_not_n on tables.total_n - tables.masters_n = lf_not_n.i
    inner join log_factorials as lf_total on tables.total_n = lf_total.i
),

hypergeometric as (
    -- P(X = k) for every table with the observed margins.
    select
        tables_with_constants.characteristic,
        tables_with_constants.masters_with_trait,
        k.i as k,
        exp(
            tables_with_constants.log_margins - k.lf - lf_k_rest.lf - lf_n_rest.lf - lf_neither.lf
        ) as probability
    from tables_with_constants
    inner join log_factorials as k
        on k.i >= greatest(
            0,
            tables_with_constants.masters_n + tables_with_constants.trait_n
            - tables_with_constants.total_n
        )
        and k.i <= least(tables_with_constants.masters_n, tables_with_constants.trait_n)
    inner join log_factorials as lf_k_rest
        on lf_k_rest.i = tables_with_constants.trait_n - k.i
    inner join log_factorials as lf_n_rest
        on lf_n_rest.i = tables_with_constants.masters_n - k.i
    inner join log_factorials as lf_neither
        on lf_neither.i = tables_with_constants.total_n - tables_with_constants.trait_n
        - tables_with_constants.masters_n + k.i
),

observed as (
    select characteristic, probability as observed_probability
    from hypergeometric
    where k = masters_with_trait
),

fisher as (
    select
        hypergeometric.characteristic,
        least(1.0, sum(hypergeometric.probability)) as p_value
    from hypergeometric
    inner join observed
        on hypergeometric.characteristic = observed.characteristic
    where hypergeometric.probability <= observed.observed_probability * (1.0 + 1e-7)
    group by hypergeometric.characteristic
),

compared as (
    select
        characteristic_group,
        characteristic,
        'share of cities' as statistic,
        masters_mean as masters_value,
        others_mean as others_value,
        2 * asin(sqrt(masters_mean)) - 2 * asin(sqrt(others_mean)) as effect_size,
        '{{ dbt.escape_single_quotes("Cohen's h") }}' as effect_measure,
        '{{ dbt.escape_single_quotes("Fisher's exact test") }}' as test_name
    from compared_values
    where characteristic_kind = 'category'
    union all
    select
        characteristic_group,
        characteristic,
        'mean',
        masters_mean,
        others_mean,
        (masters_mean - others_mean) / nullif(pooled_sd, 0),
        '{{ dbt.escape_single_quotes(
            "standardized mean difference (Cohen's d, pooled SD)") }}',
        '{{ dbt.escape_single_quotes(
            "median test (Fisher's exact test on cities above the all-city median)") }}'
    from compared_values
    where characteristic_kind = 'number'
    union all
    select
        characteristic_group,
        characteristic,
        'median',
        masters_median,
        others_median,
        cast(null as {{ type_double() }}),
        'none (descriptive)',
        cast(null as {{ dbt.type_string() }})
    from compared_values
    where characteristic in ('population', 'assessments under the current standard')
),

tested as (
    select
        compared.*,
        compared.characteristic_group = 'share met at the latest assessment'
            as is_mastery_component,
        case when compared.test_name is not null then fisher.p_value end as p_value
    from compared
    left join fisher
        on compared.characteristic = fisher.characteristic
),

holm as (
    {{ holm_steps('tested', 'p_value', family='is_mastery_component') }}
),

adjusted as (
    select
        holm.*,
        {{ holm_adjusted(family='is_mastery_component') }} as p_value_adjusted
    from holm
)

select
    adjusted.characteristic_group,
    adjusted.characteristic,
    adjusted.statistic,
    cast(group_sizes.masters as integer) as masters_cities,
    cast(group_sizes.others as integer) as others_cities,
    adjusted.masters_value,
    adjusted.others_value,
    adjusted.masters_value - adjusted.others_value as difference,
    adjusted.effect_size,
    adjusted.effect_measure,
    adjusted.test_name,
    adjusted.p_value,
    adjusted.p_value_adjusted,
    coalesce(adjusted.p_value_adjusted < {{ var('wwc_significance_level') }}, false)
        as differs_from_others,
    case
        when adjusted.effect_size is null then null
        when not coalesce(adjusted.p_value_adjusted < {{ var('wwc_significance_level') }}, false)
            then 'no clear difference'
        when abs(adjusted.effect_size) >= 0.8 then 'large'
        when abs(adjusted.effect_size) >= 0.5 then 'medium'
        when abs(adjusted.effect_size) >= 0.2 then 'small'
        else 'negligible'
    end as effect_magnitude,
    adjusted.is_mastery_component,
    -- Ranked on |effect size| to 12 decimals, so that equal sizes tie on every engine: the two
    -- categories of a two-valued characteristic have the same |h|, which floating point gives
    -- up to the last bit, and which bit differs from one engine to the next.
    cast(
        case
            when adjusted.effect_size is not null then rank() over (
                partition by case when adjusted.effect_size is null then 1 else 0 end
                order by cast(abs(adjusted.effect_size) as decimal(20, 12)) desc
            )
        end as integer
    ) as rank_by_effect_size,
    cast(
        case
            when adjusted.effect_size is not null and not adjusted.is_mastery_component
                then rank() over (
                    partition by
                        case
                            when adjusted.effect_size is null or adjusted.is_mastery_component
                                then 1
                            else 0
                        end
                    order by cast(abs(adjusted.effect_size) as decimal(20, 12)) desc
                )
        end as integer
    ) as rank_among_city_traits
from adjusted
cross join group_sizes
