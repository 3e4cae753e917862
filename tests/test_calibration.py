"""The published figures, read back from the published file with plain DuckDB, read-only.

These queries are written independently of the project's dbt SQL on purpose: they check what an
analyst would find, not what the models claim.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pytest

from support.commands import Built


@pytest.fixture(scope="module")
def con(built: Built):
    connection = duckdb.connect(str(built.path), read_only=True)
    yield connection
    connection.close()


def _one(con, sql: str):
    return con.execute(sql).fetchone()


def test_standards_have_published_shape(con) -> None:
    rows = con.execute(
        "select standard_version, count(*), count(distinct practice_area) "
        "from marts.dim_criteria group by 1 order by 1"
    ).fetchall()
    assert rows == [(2017, 50, 6), (2018, 45, 8)]


def test_practice_area_by_year_has_the_eight_areas(con) -> None:
    areas = {
        r[0]
        for r in con.execute(
            "select practice_area from marts.fct_practice_area_achievement_by_year"
        ).fetchall()
    }
    assert areas == {
        "Data Governance",
        "Evaluations",
        "General Management",
        "Open Data",
        "Performance & Analytics",
        "Repurposing",
        "Results-Driven Contracting",
        "Stakeholder Engagement",
    }
    years = {
        r[0]
        for r in con.execute(
            "select assessment_year from marts.fct_practice_area_achievement_by_year"
        ).fetchall()
    }
    assert years == {2018, 2019}


def test_city_and_assessment_counts(con) -> None:
    assert _one(
        con,
        "select count(distinct city_id) from marts.fct_assessments "
        "where assessment_year between 2017 and 2019",
    ) == (203,)
    assert _one(
        con,
        "select count(distinct city_id), count(*) from marts.fct_assessments "
        "where assessment_year in (2018, 2019)",
    ) == (139, 209)


def test_most_and_least_met_criteria(con) -> None:
    shares = dict(
        con.execute(
            "select criterion_id, avg(is_met::int) from marts.fct_criterion_results "
            "where assessment_year in (2018, 2019) group by 1"
        ).fetchall()
    )
    ranked = sorted(shares, key=shares.get)
    assert ranked[-1] == "2018-OD3" and shares["2018-OD3"] > shares[ranked[-2]]
    assert round(shares["2018-OD3"] * 100) == 74
    assert ranked[0] == "2018-PA7" and shares["2018-PA7"] < shares[ranked[1]]
    assert 0 < shares["2018-PA7"] < 0.01
    names = dict(
        con.execute(
            "select criterion_id, criterion_name || ' / ' || wording_source from marts.dim_criteria"
        ).fetchall()
    )
    assert names["2018-OD3"] == "Open data in a central location / published"
    assert names["2018-PA7"] == "AI policy or practice / published"


def test_repeat_assessments_improve_in_every_area_but_repurposing(con) -> None:
    rows = con.execute(
        """
        select r.practice_area, r.assessment_number, avg(r.is_met::int)
        from marts.fct_criterion_results r
        where r.standard_version = 2018 and r.city_id in (
            select city_id from marts.fct_assessments where standard_version = 2018
            group by 1 having count(*) > 1)
        group by 1, 2
        """
    ).fetchall()
    share = defaultdict(dict)
    for area, number, value in rows:
        share[area][number] = value
    assert len(share) == 8
    for area, by_number in share.items():
        if area == "Repurposing":
            assert by_number[2] < by_number[1], area
        else:
            assert by_number[2] > by_number[1], area


def _levels_as_of(con, year: int) -> dict[str, str]:
    rows = con.execute(
        "select city_id, certification_level from marts.fct_assessments "
        "where assessment_year <= ? order by submitted_date, assessment_id",
        [year],
    ).fetchall()
    latest = dict(rows)  # later rows overwrite earlier ones
    return {city: level for city, level in latest.items() if level != "none"}


def test_certified_cities_by_cohort(con) -> None:
    after = {year: _levels_as_of(con, year) for year in (2017, 2018, 2019)}
    assert [len(after[y]) for y in (2017, 2018, 2019)] == [9, 13, 24]
    assert sorted(after[2017].values()) == ["gold"] + ["silver"] * 8
    assert sorted(after[2019].values()).count("platinum") == 2
    assert sorted(after[2019].values()).count("gold") == 8
    moved_to_gold = _one(
        con,
        """
        select count(distinct b.city_id) from marts.fct_assessments a
        join marts.fct_assessments b
          on a.city_id = b.city_id and a.submitted_date < b.submitted_date
        where a.certification_level = 'silver' and b.certification_level = 'gold'""",
    )
    assert moved_to_gold == (6,)


def test_certification_cohort_is_the_year_after_the_assessment(con) -> None:
    assert _one(
        con,
        "select count(*) from marts.fct_assessments "
        "where certification_cohort <> assessment_year + 1",
    ) == (0,)
    assert _one(con, "select count(*) from marts.dim_cities where entry_cohort is not null") == (
        139,
    )
