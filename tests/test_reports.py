"""The reports, read back from the published file with plain DuckDB, read-only.

Each test recomputes what a report claims from the marts (or from first principles, for the
city-level intervals, tests and effect sizes) in Python, independently of the project's dbt SQL,
and checks the figures the article publishes on the synthetic history. Nothing here pins what
the synthetic data happens to produce by chance: findings (which group differs, which trait
marks masters) are checked against an independent city-level computation, not against values.
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

REPORTS = (
    "rpt_criterion_prevalence",
    "rpt_practice_area_change_between_assessments",
    "rpt_achievement_by_form_of_government",
    "rpt_achievement_by_population_band",
    "rpt_certification_levels_by_year",
    "rpt_mastery_characteristics",
)
PRACTICE_AREAS = {
    "Data Governance",
    "Evaluations",
    "General Management",
    "Open Data",
    "Performance & Analytics",
    "Repurposing",
    "Results-Driven Contracting",
    "Stakeholder Engagement",
}
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
    # An intermediate model that itself reads marts only is a report's helper, not a bypass.
    helpers = {
        p.stem
        for p in (PROJECT_ROOT / "models" / "intermediate").glob("*.sql")
        if _refs(p) and _refs(p) <= marts
    }
    assert helpers == {"int_city_mastery_characteristics"}
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


# --- 1. criterion prevalence -----------------------------------------------------------------


def test_criterion_prevalence_names_open_data_most_and_ai_policy_least(con) -> None:
    rows = _rows(
        con,
        "select * from reports.rpt_criterion_prevalence where is_all_years "
        "order by rank_most_met, criterion_id",
    )
    assert len(rows) == 45
    assert {(r["period"], r["period_start_year"], r["period_end_year"]) for r in rows} == {
        ("all years", 2018, 2019)
    }
    assert all(r["assessments"] == 209 and r["assessment_year"] is None for r in rows)
    most, least = rows[0], rows[-1]
    assert most["criterion_id"] == "2018-OD3" and most["rank_most_met"] == 1
    assert most["criterion_name"] == "Open data in a central location"
    assert most["practice_area"] == "Open Data" and most["wording_source"] == "published"
    assert round(most["share_met"] * 100) == 74
    assert rows[1]["share_met"] < most["share_met"]
    assert least["criterion_id"] == "2018-PA7" and least["rank_least_met"] == 1
    assert least["criterion_name"] == "AI policy or practice"
    assert least["criteria_met"] == 1 and least["share_met"] < 0.01
    assert rows[-2]["share_met"] > least["share_met"]


def test_criterion_prevalence_matches_the_criterion_results(con) -> None:
    expected = {
        (criterion, str(year)): (n, met)
        for criterion, year, n, met in con.execute(
            "select criterion_id, assessment_year, count(*), sum(is_met::int) "
            "from marts.fct_criterion_results where standard_version = 2018 group by 1, 2"
        ).fetchall()
    }
    for (criterion, _year), (n, met) in list(expected.items()):
        total_n, total_met = expected.get((criterion, "all years"), (0, 0))
        expected[(criterion, "all years")] = (total_n + n, total_met + met)
    report = {
        (r["criterion_id"], r["period"]): r
        for r in _rows(con, "select * from reports.rpt_criterion_prevalence")
    }
    assert set(report) == set(expected)
    for key, (n, met) in expected.items():
        assert (report[key]["assessments"], report[key]["criteria_met"]) == (n, met), key
    # Ranks: 1 = most met within the period; ties share a rank.
    for period in ("2018", "2019", "all years"):
        shares = {c: r["share_met"] for (c, p), r in report.items() if p == period}
        for (criterion, p), row in report.items():
            if p == period:
                higher = sum(1 for s in shares.values() if s > row["share_met"])
                lower = sum(1 for s in shares.values() if s < row["share_met"])
                assert row["rank_most_met"] == higher + 1, (criterion, period)
                assert row["rank_least_met"] == lower + 1, (criterion, period)


# --- 2. change between assessments -----------------------------------------------------------


def test_change_between_assessments_is_up_everywhere_but_repurposing(con) -> None:
    rows = {
        r["practice_area"]: r
        for r in _rows(
            con,
            "select * from reports.rpt_practice_area_change_between_assessments "
            "where from_assessment_number = 1",
        )
    }
    assert set(rows) == PRACTICE_AREAS
    # The published figure is the direction of the point estimates (the article's chart);
    # whether each change is distinguishable from noise is the report's finding, tested below.
    assert rows["Repurposing"]["change_in_share_met"] < 0
    for area in PRACTICE_AREAS - {"Repurposing"}:
        assert rows[area]["change_in_share_met"] > 0, area
    assert {r["cities"] for r in rows.values()} == {70}
    assert {r["to_assessment_number"] for r in rows.values()} == {2}
    assert {r["mean_years_between"] for r in rows.values()} == {1.0}
    # Only pair 1 -> 2 exists in the synthetic history (nobody was assessed three times).
    assert con.execute(
        "select count(*) from reports.rpt_practice_area_change_between_assessments"
    ).fetchone() == (8,)


def test_change_between_assessments_matches_the_criterion_results(con) -> None:
    per_city = defaultdict(lambda: defaultdict(lambda: [0, 0]))  # (area, number) -> city -> n, met
    for city, area, number, met in con.execute(
        "select city_id, practice_area, assessment_number, is_met::int "
        "from marts.fct_criterion_results where standard_version = 2018"
    ).fetchall():
        cell = per_city[(area, number)][city]
        cell[0] += 1
        cell[1] += met
    report = {
        r["practice_area"]: r
        for r in _rows(
            con,
            "select * from reports.rpt_practice_area_change_between_assessments "
            "where from_assessment_number = 1",
        )
    }
    for area, row in report.items():
        repeat = set(per_city[(area, 1)]) & set(per_city[(area, 2)])
        assert len(repeat) == row["cities"] == 70
        for side, number in (("from", 1), ("to", 2)):
            n = sum(per_city[(area, number)][c][0] for c in repeat)
            met = sum(per_city[(area, number)][c][1] for c in repeat)
            assert row[f"{side}_criterion_results"] == n, (area, side)
            assert row[f"{side}_criteria_met"] == met, (area, side)
            assert row[f"{side}_share_met"] == pytest.approx(met / n, abs=1e-12)
        assert row["change_in_share_met"] == pytest.approx(
            row["to_share_met"] - row["from_share_met"], abs=1e-12
        )


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


# --- 3. and 4. achievement by group ----------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "column"),
    [
        ("rpt_achievement_by_form_of_government", "form_of_government"),
        ("rpt_achievement_by_population_band", "population_band"),
    ],
)
def test_achievement_by_group_matches_the_marts(con, report: str, column: str) -> None:
    cells = defaultdict(lambda: {"cities": set(), "assessments": set(), "n": 0, "met": 0})
    for group, area, city, assessment, met in con.execute(
        f"select c.{column}, r.practice_area, r.city_id, r.assessment_id, r.is_met::int "
        "from marts.fct_criterion_results r join marts.dim_cities c using (city_id) "
        "where r.standard_version = 2018"
    ).fetchall():
        cell = cells[(group, area)]
        cell["cities"].add(city)
        cell["assessments"].add(assessment)
        cell["n"] += 1
        cell["met"] += met
    rows = {
        (r[column], r["practice_area"]): r for r in _rows(con, f"select * from reports.{report}")
    }
    assert set(rows) == set(cells)
    for key, cell in cells.items():
        row = rows[key]
        assert row["cities"] == len(cell["cities"]), key
        assert row["assessments"] == len(cell["assessments"]), key
        assert (row["criterion_results"], row["criteria_met"]) == (cell["n"], cell["met"]), key
        assert row["share_met"] == pytest.approx(cell["met"] / cell["n"], abs=1e-12)
        assert row["is_small_group"] == (len(cell["cities"]) < MIN_CITIES_TO_COMPARE), key
    for area in PRACTICE_AREAS:
        in_area = [c for (_, a), c in cells.items() if a == area]
        reference = sum(c["met"] for c in in_area) / sum(c["n"] for c in in_area)
        for (_, a), row in rows.items():
            if a == area:
                assert row["share_met_all_groups"] == pytest.approx(reference, abs=1e-12)


def test_achievement_by_group_covers_the_139_cities(con) -> None:
    # Published: 139 cities were assessed under the current standard (2018-2019).
    for report, column in GROUP_REPORTS:
        cities = dict(
            con.execute(f"select distinct {column}, cities from reports.{report}").fetchall()
        )
        assert sum(cities.values()) == 139, report
    bands = con.execute(
        "select distinct population_band_order, population_band "
        "from reports.rpt_achievement_by_population_band order by 1"
    ).fetchall()
    assert [band for _, band in bands] == [
        "under 50k", "50k-100k", "100k-250k", "250k-500k", "500k and over"
    ]  # fmt: skip


# --- 5. certification levels -----------------------------------------------------------------


def test_certification_levels_by_cohort_match_the_published_counts(con) -> None:
    rows = {
        r["certification_cohort"]: r
        for r in _rows(con, "select * from reports.rpt_certification_levels_by_year")
    }
    assert sorted(rows) == [2018, 2019, 2020]
    summary = {
        cohort: (r["total_certified"], r["silver"], r["gold"], r["platinum"])
        for cohort, r in rows.items()
    }
    assert summary == {2018: (9, 8, 1, 0), 2019: (13, 9, 4, 0), 2020: (24, 14, 8, 2)}
    assert [rows[c]["newly_certified"] for c in (2018, 2019, 2020)] == [9, 4, 11]
    assert rows[2020]["moved_up_to_gold_to_date"] == 6
    assert rows[2020]["moved_up_to_platinum_to_date"] == 2
    assert [rows[c]["assessment_year"] for c in (2018, 2019, 2020)] == [2017, 2018, 2019]
    assert [rows[c]["assessments"] for c in (2018, 2019, 2020)] == [115, 98, 111]


def test_certification_levels_follow_each_citys_latest_assessment(con) -> None:
    assessments = con.execute(
        "select city_id, certification_cohort, certification_level from marts.fct_assessments "
        "order by submitted_date, assessment_id"
    ).fetchall()
    order = {"none": 0, "silver": 1, "gold": 2, "platinum": 3}
    report = {
        r["certification_cohort"]: r
        for r in _rows(con, "select * from reports.rpt_certification_levels_by_year")
    }
    previous: dict[str, str] = {}
    ever: set[str] = set()
    for cohort in sorted(report):
        level = {}
        for city, c, lvl in assessments:
            if c <= cohort:
                level[city] = lvl  # later rows overwrite earlier ones
        row = report[cohort]
        for name in ("silver", "gold", "platinum"):
            assert row[name] == sum(1 for v in level.values() if v == name), (cohort, name)
        certified = {c for c, v in level.items() if v != "none"}
        assert row["newly_certified"] == len(certified - ever)
        moved_up = {
            c
            for c in certified
            if previous.get(c, "none") != "none" and order[level[c]] > order[previous[c]]
        }
        assert row["moved_up"] == len(moved_up)
        assert row["moved_up_to_gold"] == sum(1 for c in moved_up if level[c] == "gold")
        assert row["moved_up_to_platinum"] == sum(1 for c in moved_up if level[c] == "platinum")
        ever |= certified
        previous = level


# --- 6. mastery ------------------------------------------------------------------------------


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
    traits = {k: r["p_value"] for k, r in mastery.items()
              if r["p_value"] is not None and not r["is_mastery_component"]}  # fmt: skip
    adjusted = holm(traits)
    for key, p in adjusted.items():
        row = mastery[key]
        assert row["p_value_adjusted"] == pytest.approx(p, abs=1e-9), key
        assert row["differs_from_others"] == (p < SIGNIFICANCE_LEVEL), key
        if not row["differs_from_others"]:
            assert row["effect_magnitude"] == "no clear difference", key
