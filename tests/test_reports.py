"""The reports, read back from the published file with plain DuckDB, read-only.

Relational facts (counts, shares, ranks, levels, the published figures) are dbt tests
(tests/invariants/, tests/calibration/). What is tested here is what dbt cannot express well:
the reports' structure, and their statistics recomputed from first principles in Python,
independently of the project's SQL: intervals against a city-level bootstrap, tests and Holm's
adjustment against their definitions, effect sizes against their formulas. Nothing here pins
what the synthetic data happens to produce by chance.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from statistics import NormalDist

import duckdb
import numpy as np
import pytest
import yaml

from support.commands import PROJECT_ROOT, Built
from wwc import vocabulary

REPORTS = (
    "rpt_criterion_prevalence",
    "rpt_practice_area_change_between_assessments",
    "rpt_achievement_by_form_of_government",
    "rpt_achievement_by_population_band",
    "rpt_certification_levels_by_year",
    "rpt_mastery_characteristics",
)
PRACTICE_AREAS = set(vocabulary.PRACTICE_AREAS[vocabulary.CURRENT_STANDARD])
MIN_CITIES_TO_COMPARE = 10
SIGNIFICANCE_LEVEL = 0.05


@pytest.fixture(scope="module")
def con(built: Built):
    connection = duckdb.connect(str(built.path), read_only=True)
    yield connection
    connection.close()


def _rows(con, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def wilson(successes: float, trials: float, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval, textbook form: centre +/- half-width over 1 + z^2/n."""
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def cluster_variance(cities: list[tuple[int, int]]) -> float:
    """Cluster-robust variance of sum(met) / sum(n) over (n, met) per city (the design's
    formula, G / (G - 1) * sum((met_c - p n_c)^2) / (sum n_c)^2)."""
    n = sum(c[0] for c in cities)
    p = sum(c[1] for c in cities) / n
    g = len(cities)
    return g / (g - 1) * sum((met - p * k) ** 2 for k, met in cities) / n**2


def holm(p_values: dict) -> dict:
    """Holm's step-down adjustment, written from its definition."""
    ordered = sorted(p_values, key=p_values.get)
    m, running, adjusted = len(ordered), 0.0, {}
    for rank, key in enumerate(ordered):
        running = max(running, (m - rank) * p_values[key])
        adjusted[key] = min(1.0, running)
    return adjusted


def bootstrap_interval(
    cities: list[tuple[int, int]], resamples: int = 4000, seed: int = 20
) -> tuple[float, float]:
    """Percentile 95% interval of sum(met) / sum(n) when whole cities are resampled."""
    data = np.array(cities, dtype=float)
    draws = np.random.default_rng(seed).integers(0, len(data), size=(resamples, len(data)))
    shares = data[draws, 1].sum(axis=1) / data[draws, 0].sum(axis=1)
    low, high = np.quantile(shares, [0.025, 0.975])
    return float(low), float(high)


def cohens_h(p1: float, p2: float) -> float:
    return 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))


def standardized_mean_difference(a: list[float], b: list[float]) -> float:
    def mean(xs: list[float]) -> float:
        return sum(xs) / len(xs)

    def variance(xs: list[float]) -> float:
        m = mean(xs)
        return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)

    pooled = ((len(a) - 1) * variance(a) + (len(b) - 1) * variance(b)) / (len(a) + len(b) - 2)
    return (mean(a) - mean(b)) / math.sqrt(pooled)


# --- all reports -----------------------------------------------------------------------------


def test_every_report_is_a_documented_table_in_schema_reports(con) -> None:
    tables = dict(
        con.execute(
            "select table_name, comment from duckdb_tables() where schema_name = 'reports'"
        ).fetchall()
    )
    assert set(tables) == set(REPORTS)
    assert all(comment for comment in tables.values())
    undocumented = con.execute(
        "select table_name, column_name from duckdb_columns() "
        "where schema_name = 'reports' and (comment is null or comment = '')"
    ).fetchall()
    assert undocumented == []


def test_every_report_has_an_exposure_owned_by_the_maintainers() -> None:
    document = yaml.safe_load(
        (PROJECT_ROOT / "models" / "reports" / "_reports__exposures.yml").read_text()
    )
    depends = defaultdict(list)
    for exposure in document["exposures"]:
        assert exposure["type"] in {"analysis", "dashboard"}, exposure["name"]
        assert exposure["owner"]["name"] == "WWC warehouse maintainers"
        assert exposure["owner"]["email"].endswith("@example.org")
        assert exposure["description"]
        for ref in exposure["depends_on"]:
            depends[ref].append(exposure["name"])
    assert {ref: len(names) for ref, names in depends.items()} == {
        f"ref('{report}')": 1 for report in REPORTS
    }


def _refs(path) -> set[str]:
    return set(re.findall(r"ref\(\s*'(\w+)'\s*\)", path.read_text()))


def test_reports_read_only_from_marts() -> None:
    marts = {p.stem for p in (PROJECT_ROOT / "models" / "marts").glob("*.sql")}
    # An intermediate model that itself reads marts only is a report's helper, not a bypass;
    # besides the marts it may read which cities the build rewrites (no data of theirs).
    scope = {"int_cities_rewritten"}
    helpers = {
        p.stem
        for p in (PROJECT_ROOT / "models" / "intermediate").glob("*.sql")
        if _refs(p) - scope and _refs(p) - scope <= marts
    }
    assert helpers == {"int_city_mastery_characteristics", "int_city_practice_area_results"}
    sources = [
        *(PROJECT_ROOT / "models" / "reports").glob("rpt_*.sql"),
        PROJECT_ROOT / "macros" / "achievement_by_city_group.sql",
    ]
    assert len(sources) == len(REPORTS) + 1
    read = set()
    for path in sources:
        text = path.read_text()
        assert "source(" not in text, path.name
        refs = _refs(path)
        assert refs <= marts | helpers, f"{path.name} reads {refs - marts}; reports read marts only"
        read |= refs
    assert {"dim_cities", "dim_criteria", "fct_assessments", "fct_criterion_results"} <= read


def _group_cells(con, column: str) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(group, practice area) -> (results, met) per city, current standard."""
    cells: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for group, area, n, met in con.execute(
        f"select coalesce(c.{column}, 'unknown'), r.practice_area, count(*), sum(r.is_met::int) "
        "from marts.fct_criterion_results r join marts.dim_cities c using (city_id) "
        "where r.is_current_standard group by c.city_id, 1, 2"
    ).fetchall():
        cells[(group, area)].append((n, met))
    return cells


GROUP_REPORTS = [
    ("rpt_achievement_by_form_of_government", "form_of_government"),
    ("rpt_achievement_by_population_band", "population_band"),
]


@pytest.mark.parametrize(("report", "column"), GROUP_REPORTS)
def test_group_intervals_are_as_wide_as_a_city_bootstrap(con, report: str, column: str) -> None:
    cells = _group_cells(con, column)
    rows = _rows(con, f"select * from reports.{report} where not is_small_group")
    assert rows
    ratios = []
    for row in rows:
        cities = cells[(row[column], row["practice_area"])]
        low, high = bootstrap_interval(cities)
        ratio = (row["share_met_upper_95"] - row["share_met_lower_95"]) / (high - low)
        # Never narrower than resampling cities supports; close to it where the bootstrap itself
        # is reliable (many cities, a share away from 0 and 1). With few cities near 0 the
        # percentile bootstrap is too narrow, and Wilson's bound is rightly wider.
        assert ratio > 0.8, (row[column], row["practice_area"], ratio)
        if len(cities) >= 30 and 0.1 <= row["share_met"] <= 0.9:
            assert ratio < 1.25, (row[column], row["practice_area"], ratio)
        # Far wider than criterion results taken as independent trials would give.
        n, met = sum(c[0] for c in cities), sum(c[1] for c in cities)
        naive_low, naive_high = wilson(met, n)
        width = row["share_met_upper_95"] - row["share_met_lower_95"]
        ratios.append(width / (naive_high - naive_low))
    assert statistics.median(ratios) > 1.2


def test_interval_of_a_share_never_met_rests_on_the_cities(con) -> None:
    # The AI policy was met by no 2018 assessment: no variance to estimate, so the interval is
    # Wilson's with one trial per city; the lower bound is exactly 0, the upper not.
    lower, upper, met, n, cities = con.execute(
        "select share_met_lower_95, share_met_upper_95, criteria_met, assessments, cities "
        "from reports.rpt_criterion_prevalence where criterion_id = '2018-PA7' and period = '2018'"
    ).fetchone()
    assert met == 0 and n >= cities > 0
    assert lower == 0.0
    assert upper == pytest.approx(wilson(0, cities)[1], abs=1e-12)


@pytest.mark.parametrize(("report", "column"), GROUP_REPORTS)
def test_group_differences_follow_an_independent_city_level_test(
    con, report: str, column: str
) -> None:
    cells = _group_cells(con, column)
    rows = {
        (r[column], r["practice_area"]): r for r in _rows(con, f"select * from reports.{report}")
    }
    p_values = {}
    for (group, area), cities in cells.items():
        others = [c for (g, a), cs in cells.items() if a == area and g != group for c in cs]
        row = rows[(group, area)]
        assert row["share_met_other_cities"] == pytest.approx(
            sum(c[1] for c in others) / sum(c[0] for c in others), abs=1e-12
        )
        if len(cities) < MIN_CITIES_TO_COMPARE:
            assert row["p_value"] is None and not row["differs_from_other_cities"]
            continue
        difference = (
            sum(c[1] for c in cities) / sum(c[0] for c in cities) - row["share_met_other_cities"]
        )
        z = difference / math.sqrt(cluster_variance(cities) + cluster_variance(others))
        p_values[(group, area)] = 2 * (1 - NormalDist().cdf(abs(z)))
    adjusted = holm(p_values)
    for key, p in p_values.items():
        assert rows[key]["p_value"] == pytest.approx(p, abs=1e-6), key
        assert rows[key]["p_value_adjusted"] == pytest.approx(adjusted[key], abs=1e-5), key
        if abs(adjusted[key] - SIGNIFICANCE_LEVEL) > 1e-4:
            assert rows[key]["differs_from_other_cities"] == (adjusted[key] < SIGNIFICANCE_LEVEL)


# --- change between assessments --------------------------------------------------------------


def test_change_has_a_paired_city_level_interval_and_test(con) -> None:
    per_city: dict = defaultdict(lambda: [0, 0, 0, 0])  # (area, from n) -> city -> n, met, n, met
    for city, area, number, n, met in con.execute(
        "select city_id, practice_area, assessment_number, count(*), sum(is_met::int) "
        "from marts.fct_criterion_results where is_current_standard group by 1, 2, 3"
    ).fetchall():
        for key, offset in (((area, number), 0), ((area, number - 1), 2)):
            per_city.setdefault(key, {}).setdefault(city, [None, None, None, None])
            per_city[key][city][offset : offset + 2] = [n, met]
    rows = _rows(con, "select * from reports.rpt_practice_area_change_between_assessments")
    p_values, decisions = {}, {}
    for row in rows:
        key = (row["practice_area"], row["from_assessment_number"])
        pairs = np.array([v for v in per_city[key].values() if None not in v], dtype=float)
        assert len(pairs) == row["cities"]
        draws = np.random.default_rng(20).integers(0, len(pairs), size=(4000, len(pairs)))
        sample = pairs[draws]
        changes = sample[..., 3].sum(1) / sample[..., 2].sum(1) - sample[..., 1].sum(1) / sample[
            ..., 0
        ].sum(1)
        low, high = np.quantile(changes, [0.025, 0.975])
        width = row["change_upper_95"] - row["change_lower_95"]
        assert 0.8 < width / (high - low) < 1.25, key
        # The paired interval is narrower than comparing the two sides as independent samples.
        from_width = row["from_share_met_upper_95"] - row["from_share_met_lower_95"]
        to_width = row["to_share_met_upper_95"] - row["to_share_met_lower_95"]
        assert width < math.hypot(from_width, to_width), key
        z = row["change_in_share_met"] / (width / (2 * 1.96))
        p_values[key] = 2 * (1 - NormalDist().cdf(abs(z)))
        decisions[key] = row["change_direction"]
    adjusted = holm(p_values)
    for key, p in adjusted.items():
        if abs(p - SIGNIFICANCE_LEVEL) > 1e-4:
            expected = "no clear change" if p >= SIGNIFICANCE_LEVEL else None
            if expected:
                assert decisions[key] == expected, key
            else:
                assert decisions[key] in ("up", "down"), key


# --- mastery ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mastery(con) -> dict[tuple[str, str], dict]:
    return {
        (r["characteristic"], r["statistic"]): r
        for r in _rows(con, "select * from reports.rpt_mastery_characteristics")
    }


@pytest.fixture(scope="module")
def cities_by_mastery(con) -> dict[bool, list[dict]]:
    """Masters: latest current-standard assessment certified gold or platinum."""
    rows = _rows(
        con,
        """
        select c.*, a.certification_level as latest_level, a.assessment_id as latest_assessment
        from marts.dim_cities c
        join marts.fct_assessments a on a.city_id = c.city_id
        where a.standard_version = 2018 and a.assessment_number = (
            select max(assessment_number) from marts.fct_assessments b
            where b.city_id = c.city_id and b.standard_version = 2018)
        """,
    )
    groups: dict[bool, list[dict]] = {True: [], False: []}
    for row in rows:
        groups[row["latest_level"] in ("gold", "platinum")].append(row)
    return groups


def test_mastery_groups(mastery, cities_by_mastery) -> None:
    masters, others = cities_by_mastery[True], cities_by_mastery[False]
    assert len(masters) + len(others) == 139
    assert {(r["masters_cities"], r["others_cities"]) for r in mastery.values()} == {
        (len(masters), len(others))
    }


def test_mastery_shares_and_cohens_h(mastery, cities_by_mastery) -> None:
    masters, others = cities_by_mastery[True], cities_by_mastery[False]
    for column, prefix in (
        ("form_of_government", "form of government "),
        ("population_band", "population band "),
        ("entry_cohort", "entry cohort "),
    ):
        for value in {r[column] for r in masters + others}:
            row = mastery[(f"{prefix}{value}", "share of cities")]
            p1 = sum(1 for r in masters if r[column] == value) / len(masters)
            p2 = sum(1 for r in others if r[column] == value) / len(others)
            assert row["masters_value"] == pytest.approx(p1, abs=1e-12)
            assert row["others_value"] == pytest.approx(p2, abs=1e-12)
            assert row["difference"] == pytest.approx(p1 - p2, abs=1e-12)
            assert row["effect_size"] == pytest.approx(cohens_h(p1, p2), abs=1e-9)
            assert row["effect_measure"] == "Cohen's h"


def test_mastery_standardized_mean_differences(con, mastery, cities_by_mastery) -> None:
    masters, others = cities_by_mastery[True], cities_by_mastery[False]
    row = mastery[("population", "mean")]
    a = [float(r["population"]) for r in masters]
    b = [float(r["population"]) for r in others]
    assert row["masters_value"] == pytest.approx(sum(a) / len(a), rel=1e-12)
    assert row["effect_size"] == pytest.approx(standardized_mean_difference(a, b), abs=1e-9)
    row = mastery[("population", "median")]
    assert row["effect_size"] is None and row["rank_by_effect_size"] is None
    assert row["masters_value"] == pytest.approx(statistics.median(a), rel=1e-12)
    assert row["others_value"] == pytest.approx(statistics.median(b), rel=1e-12)

    share = {}
    for assessment, area, met in con.execute(
        "select assessment_id, practice_area, avg(is_met::int) from marts.fct_criterion_results "
        "group by 1, 2"
    ).fetchall():
        share[(assessment, area)] = met
    for area in PRACTICE_AREAS:
        row = mastery[(f"share met: {area}", "mean")]
        a = [share[(r["latest_assessment"], area)] for r in masters]
        b = [share[(r["latest_assessment"], area)] for r in others]
        assert row["effect_size"] == pytest.approx(standardized_mean_difference(a, b), abs=1e-9)
        assert row["is_mastery_component"] and row["rank_among_city_traits"] is None
        assert row["effect_size"] > 0.8  # large by construction: mastery is defined on them


def test_mastery_ranks_follow_absolute_effect_size(mastery) -> None:
    ranked = sorted(
        (r for r in mastery.values() if r["effect_size"] is not None),
        key=lambda r: r["rank_by_effect_size"],
    )
    sizes = [round(abs(r["effect_size"]), 12) for r in ranked]  # ranks use 12 decimals
    assert sizes == sorted(sizes, reverse=True)
    assert ranked[0]["rank_by_effect_size"] == 1
    traits = sorted(
        (r for r in ranked if not r["is_mastery_component"]),
        key=lambda r: r["rank_among_city_traits"],
    )
    # Standard competition ranks: equal sizes (to 12 decimals) share a rank, the next skips.
    rounded = [round(abs(r["effect_size"]), 12) for r in traits]
    assert [r["rank_among_city_traits"] for r in traits] == [
        1 + sum(other > size for other in rounded) for size in rounded
    ]


def fisher_exact_two_sided(x: int, masters: int, with_trait: int, cities: int) -> float:
    """Two-sided Fisher exact p-value: the hypergeometric tables no more likely than x's."""

    def probability(k: int) -> float:
        return (
            math.comb(with_trait, k)
            * math.comb(cities - with_trait, masters - k)
            / math.comb(cities, masters)
        )

    observed = probability(x)
    support = range(max(0, masters + with_trait - cities), min(masters, with_trait) + 1)
    return min(1.0, sum(p for k in support if (p := probability(k)) <= observed * (1 + 1e-7)))


def test_mastery_traits_are_tested_exactly_and_labelled_only_when_significant(
    mastery, cities_by_mastery
) -> None:
    masters, others = cities_by_mastery[True], cities_by_mastery[False]
    everyone = masters + others
    p_values = {}
    for column, prefix in (
        ("form_of_government", "form of government "),
        ("population_band", "population band "),
    ):
        for value in {r[column] for r in everyone}:
            x = sum(1 for r in masters if r[column] == value)
            k = sum(1 for r in everyone if r[column] == value)
            key = (f"{prefix}{value}", "share of cities")
            p_values[key] = fisher_exact_two_sided(x, len(masters), k, len(everyone))
    # A numeric trait: masters above the median population of all cities (median test).
    median = statistics.median(float(r["population"]) for r in everyone)
    above = [r for r in everyone if float(r["population"]) > median]
    p_population = fisher_exact_two_sided(
        sum(1 for r in above if r in masters), len(masters), len(above), len(everyone)
    )
    assert mastery[("population", "mean")]["p_value"] == pytest.approx(p_population, abs=1e-9)
    for key, p in p_values.items():
        assert mastery[key]["p_value"] == pytest.approx(p, abs=1e-9), key
    traits = {
        k: r["p_value"]
        for k, r in mastery.items()
        if r["p_value"] is not None and not r["is_mastery_component"]
    }
    adjusted = holm(traits)
    for key, p in adjusted.items():
        row = mastery[key]
        assert row["p_value_adjusted"] == pytest.approx(p, abs=1e-9), key
        assert row["differs_from_others"] == (p < SIGNIFICANCE_LEVEL), key
        if not row["differs_from_others"]:
            assert row["effect_magnitude"] == "no clear difference", key
