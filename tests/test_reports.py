"""The reports, read back from the published file with plain DuckDB, read-only.

Each test recomputes what a report claims from the marts (or from first principles, for the
Wilson interval and the effect sizes) in Python, independently of the project's dbt SQL, and
checks the figures the article publishes on the synthetic history.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict

import duckdb
import pytest
import yaml

from conftest import PROJECT_ROOT, Built

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


@pytest.fixture(scope="module")
def con(built: Built):
    connection = duckdb.connect(str(built.path), read_only=True)
    yield connection
    connection.close()


def _rows(con, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def wilson(successes: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval, textbook form: centre +/- half-width over 1 + z^2/n."""
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


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


def test_reports_read_only_from_marts() -> None:
    marts = {p.stem for p in (PROJECT_ROOT / "models" / "marts").glob("*.sql")}
    sources = [
        *(PROJECT_ROOT / "models" / "reports").glob("rpt_*.sql"),
        PROJECT_ROOT / "macros" / "achievement_by_city_group.sql",
    ]
    assert len(sources) == len(REPORTS) + 1
    read = set()
    for path in sources:
        text = path.read_text()
        assert "source(" not in text, path.name
        refs = set(re.findall(r"ref\(\s*'(\w+)'\s*\)", text))
        assert refs <= marts, f"{path.name} reads {refs - marts}; reports read marts only"
        read |= refs
    assert {"dim_cities", "dim_criteria", "fct_assessments", "fct_criterion_results"} <= read


def test_wilson_bounds_match_an_independent_computation(con) -> None:
    checked = 0
    intervals = [
        ("rpt_criterion_prevalence", "criteria_met", "assessments", "share_met"),
        ("rpt_achievement_by_form_of_government", "criteria_met", "criterion_results", "share_met"),
        ("rpt_achievement_by_population_band", "criteria_met", "criterion_results", "share_met"),
    ]
    for side in ("from", "to"):
        intervals.append(
            (
                "rpt_practice_area_change_between_assessments",
                f"{side}_criteria_met",
                f"{side}_criterion_results",
                f"{side}_share_met",
            )
        )
    for report, met, trials, share in intervals:
        rows = con.execute(
            f"select {met}, {trials}, {share}, {share}_lower_95, {share}_upper_95 "
            f"from reports.{report}"
        ).fetchall()
        assert rows, report
        for x, n, p, lower, upper in rows:
            expected_lower, expected_upper = wilson(x, n)
            assert p == pytest.approx(x / n, abs=1e-12)
            assert lower == pytest.approx(expected_lower, abs=1e-9), (report, x, n)
            assert upper == pytest.approx(expected_upper, abs=1e-9), (report, x, n)
            assert 0 <= lower <= p <= upper <= 1
            checked += 1
    assert checked == 45 * 3 + 3 * 8 + 5 * 8 + 2 * 8  # every interval of the four reports


def test_wilson_bounds_at_the_edges(con) -> None:
    # The AI policy was met by no 2018 assessment: the lower bound is exactly 0, the upper not.
    lower, upper, met, n = con.execute(
        "select share_met_lower_95, share_met_upper_95, criteria_met, assessments "
        "from reports.rpt_criterion_prevalence where criterion_id = '2018-PA7' and period = '2018'"
    ).fetchone()
    assert (met, n) == (0, 98)
    assert lower == 0.0
    assert upper == pytest.approx(1.96**2 / (98 + 1.96**2), abs=1e-12)


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
    assert rows["Repurposing"]["change_direction"] == "down"
    assert rows["Repurposing"]["change_in_share_met"] < 0
    for area in PRACTICE_AREAS - {"Repurposing"}:
        assert rows[area]["change_direction"] == "up", area
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


def test_achievement_by_form_of_government_groups(con) -> None:
    cities = dict(
        con.execute(
            "select distinct form_of_government, cities "
            "from reports.rpt_achievement_by_form_of_government"
        ).fetchall()
    )
    assert cities == {"council-manager": 68, "mayor-council": 58, "other": 13}
    assert sum(cities.values()) == 139
    # The smallest group, 'other', has 13 cities: above the threshold of 10, so comparable.
    assert con.execute(
        "select count(*) from reports.rpt_achievement_by_form_of_government where is_small_group"
    ).fetchone() == (0,)


def test_achievement_by_population_band_groups(con) -> None:
    bands = con.execute(
        "select distinct population_band_order, population_band, cities, is_small_group "
        "from reports.rpt_achievement_by_population_band order by 1"
    ).fetchall()
    assert bands == [
        (1, "under 50k", 46, False),
        (2, "50k-100k", 51, False),
        (3, "100k-250k", 25, False),
        (4, "250k-500k", 7, True),
        (5, "500k and over", 10, False),
    ]


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
    assert (len(masters), len(others)) == (10, 129)
    assert {(r["masters_cities"], r["others_cities"]) for r in mastery.values()} == {(10, 129)}


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
    # Headline on the synthetic data: 1 of 10 masters has 50,000-100,000 residents, against 39%
    # of the others.
    band = mastery[("population band 50k-100k", "share of cities")]
    assert (band["masters_value"], round(band["others_value"], 3)) == (0.1, 0.388)


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
    sizes = [abs(r["effect_size"]) for r in ranked]
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
    # On the synthetic data the strongest city trait is the population band of 50,000-100,000.
    assert traits[0]["characteristic"] == "population band 50k-100k"
    assert traits[0]["effect_magnitude"] == "medium"
