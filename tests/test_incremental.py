"""An incremental refresh gives exactly the marts a full rebuild gives."""

from __future__ import annotations

import re
import shutil

import duckdb

from support.commands import refresh, run_wwc
from support.landing import landing_rows, write_landing


def _snapshot(warehouse) -> dict[str, list[tuple]]:
    """Every mart and report, sorted, without load timestamps (they record when, not what)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('marts', 'reports') order by 1, 2"
        ).fetchall()
        snapshot = {}
        for schema, name in tables:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? and column_name not in "
                    "('loaded_at', 'received_at', 'received_date') order by ordinal_position",
                    [schema, name],
                ).fetchall()
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'select {listed} from "{schema}"."{name}" order by all').fetchall()
            # Sums in another order differ in the last bits of a double: compare to 1e-9.
            snapshot[f"{schema}.{name}"] = [
                tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in rows
            ]
    return snapshot


def _city_first_assessed_in_2019(warehouse) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select city_id from marts.fct_assessments where standard_version = 2018 "
            "group by 1 having count(*) = 1 and min(year(submitted_date)) = 2019 "
            "order by 1 limit 1"
        ).fetchone()[0]


def _built_by_dbt(output: str) -> set[str]:
    """The models (`schema.name`) and unit tests (`model::test`) a run's dbt build started,
    from its progress lines."""
    started = re.findall(r" START (?:sql \w+ model (\S+)|unit_test (\S+))", output)
    return {model or unit_test for model, unit_test in started}


def test_incremental_refreshes_match_a_full_rebuild(built, tmp_path) -> None:
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copy2(built.path, warehouse)
    # As if another version of the dbt project had built it: the first refresh builds every
    # model and runs the unit tests; the second, with the file this project built, leaves the
    # models no landing file feeds as they are, and skips the unit tests.
    # Another version's SQL may have written rows of an incremental model differently (here, as
    # an older one did, a 0 for a category the city is not in): outside the refresh's scope
    # they would stay, so that refresh rebuilds the incremental models in full.
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update raw.build_info set dbt_project_fingerprint = 'another project'")
        con.execute(
            "insert into intermediate.int_city_mastery_characteristics "
            "select characteristic_group, 'population band 500k and over', characteristic_kind, "
            "city_id, is_master, 0 from intermediate.int_city_mastery_characteristics "
            "where characteristic like 'population band %' and characteristic <> "
            "'population band 500k and over' limit 1"
        )
    landing = tmp_path / "landing"
    landing.mkdir()
    write_landing(landing / "new_city.csv", landing_rows("A2020-960", "C9960", met=17))
    # Data Docs keep two validation runs per suite here (WWC_DATA_DOCS_RUNS), checked below.
    history = {"WWC_DATA_DOCS_RUNS": "2"}
    first = refresh(warehouse, **history)
    assert first.returncode == 0, first.stderr
    assert "Refreshing incrementally" in first.stdout
    assert "rebuilding the incremental models in full" in first.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "select count(*) from intermediate.int_city_mastery_characteristics "
            "where characteristic_kind = 'category' and value <> 1"
        ).fetchone() == (0,)
    sizes = [warehouse.stat().st_size]
    untouched = {
        "staging.stg_wwc__criteria",
        "marts.dim_criteria",
        "semantic.metricflow_time_spine",
    }
    first_built = _built_by_dbt(first.stdout)
    assert untouched <= first_built
    assert "fct_criterion_results::prerequisite_voids_dependants" in first_built

    # An earlier assessment for a city first assessed in 2019: its assessment renumbers and its
    # entry cohort moves, which an incremental run must carry through. (The 2018 standard is
    # the one in effect from 2018 on, so the earlier one is dated 2018.)
    city = _city_first_assessed_in_2019(warehouse)
    earlier = landing_rows("A2018-960", city, submitted="2018-01-15", met=9, new_city=False)
    write_landing(landing / "earlier.csv", earlier)
    second = refresh(warehouse, **history)
    assert second.returncode == 0, second.stderr
    sizes.append(warehouse.stat().st_size)
    second_built = _built_by_dbt(second.stdout)
    assert not second_built & untouched and not any("::" in name for name in second_built)
    assert "marts.fct_criterion_results" in second_built
    # Tests that read a skipped model and a rebuilt one still run: an invariant joining the
    # criteria to the results, a report's relationship to the criteria.
    for test in (
        "assert_every_assessment_has_each_criterion_of_its_standard",
        "relationships_rpt_criterion_prevalence_criterion_id",
    ):
        assert f" PASS {test}" in second.stdout, test
    incremental = _snapshot(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        numbers = con.execute(
            "select assessment_id, assessment_number from marts.fct_assessments "
            "where city_id = ? and standard_version = 2018 order by submitted_date",
            [city],
        ).fetchall()
        cohort = con.execute(
            "select entry_cohort from marts.dim_cities where city_id = ?", [city]
        ).fetchone()[0]
    assert [n for _, n in numbers] == [1, 2] and numbers[0][0] == "A2018-960"
    assert cohort == 2018

    full = run_wwc("build", "--full-refresh", warehouse=warehouse, **history)
    assert full.returncode == 0, full.stderr
    assert "Refreshing incrementally" not in full.stdout
    rebuilt = _snapshot(warehouse)
    # A refresh replaces rows in a copy of the published file; the blocks it frees are
    # compacted away, so the file stays within a third of a full build's size (the bound of
    # wwc.publish.MAX_FREE_SHARE), not twice it as before compaction.
    full_size = warehouse.stat().st_size
    assert all(size < full_size * 4 / 3 for size in sizes), (sizes, full_size)
    assert set(rebuilt) == set(incremental)
    for name in rebuilt:
        assert rebuilt[name] == incremental[name], name

    # Three validations of each mart suite, two kept: results, pages and the index's links.
    gx = tmp_path / "gx"
    for suite in ("landing_file", "marts_fct_assessments"):
        assert len(list((gx / "validations" / suite).glob("*/*/*.json"))) == 2, suite
        assert len(list((gx / "data_docs" / "validations" / suite).glob("*/*/*.html"))) == 2
    index = (gx / "data_docs" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="(validations/[^"]+\.html)">', index)
    assert links and all((gx / "data_docs" / link).is_file() for link in links)
    assert len({link for link in links if "/marts_fct_assessments/" in link}) == 2


def test_a_refresh_west_of_the_last_build_still_loads_its_file(built, tmp_path) -> None:
    """The refresh scope compares load times; a refresh run in a time zone behind the one that
    built the published file (another operator, a daemon in UTC) must still find its rows."""
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copy2(built.path, warehouse)
    (tmp_path / "landing").mkdir()
    write_landing(tmp_path / "landing" / "new.csv", landing_rows("A2020-981", "C9981"))
    done = refresh(warehouse, TZ="America/Los_Angeles")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute(
            "select count(*) from marts.fct_criterion_results where assessment_id = 'A2020-981'"
        ).fetchone()[0]
    assert found > 0
