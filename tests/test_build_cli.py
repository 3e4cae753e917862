"""`wwc build` from a subprocess: exit code, printed path, rows per mart, publish rules."""

from __future__ import annotations

import fcntl
import hashlib
import re
import shutil
from pathlib import Path

import duckdb

from conftest import SEEDS_DIR, Built, run_wwc

MARTS = {
    "dim_cities",
    "dim_criteria",
    "fct_assessments",
    "fct_criterion_results",
    "fct_practice_area_achievement_by_year",
    "fct_practice_area_achievement_by_cohort",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_prints_published_path_last_and_rows_per_mart(built: Built) -> None:
    lines = built.run.stdout.strip().splitlines()
    assert lines[-1] == f"Published warehouse: {built.path}"
    printed = {
        m.group(1): int(m.group(2))
        for m in re.finditer(r"^\s+marts\.(\w+)\s+(\d+)$", built.run.stdout, re.M)
    }
    assert set(printed) == MARTS
    with duckdb.connect(str(built.path), read_only=True) as con:
        for mart, rows in printed.items():
            assert con.execute(f"select count(*) from marts.{mart}").fetchone()[0] == rows
    assert printed["dim_cities"] == 203
    assert printed["fct_criterion_results"] == 115 * 50 + 209 * 45


def test_build_honours_wwc_warehouse_and_leaves_no_build_copy(built: Built) -> None:
    assert built.path.is_file()
    leftovers = [
        p.name
        for p in built.path.parent.iterdir()
        if p.name not in {"wwc.duckdb", ".wwc.duckdb.lock"}
    ]
    assert leftovers == []


def test_published_file_opens_in_duckdb_1_4_and_later(built: Built) -> None:
    with duckdb.connect(str(built.path), read_only=True) as con:
        tags = con.execute(
            "select tags from duckdb_databases() where database_name = 'wwc'"
        ).fetchone()[0]
    assert dict(tags)["storage_version"] == "v1.4.0+"


def test_marts_carry_table_and_column_comments(built: Built) -> None:
    with duckdb.connect(str(built.path), read_only=True) as con:
        missing = con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where schema_name = 'marts' and (comment is null or comment = '')"
        ).fetchall()
        tables = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'marts' and comment <> ''"
        ).fetchone()[0]
    assert missing == []
    assert tables == len(MARTS)


def test_failing_dbt_test_leaves_published_file_byte_identical(
    published_copy: Path, tmp_path: Path
) -> None:
    before = _sha256(published_copy)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    results = seeds / "criterion_results.csv"
    text = results.read_text()
    results.write_text(text.replace(",not met\n", ",maybe\n", 1))

    run = run_wwc("build", "--seeds", str(seeds), warehouse=published_copy)

    assert run.returncode == 1
    assert "skipping calibration tests" in run.stdout
    assert "accepted_values_stg_wwc__criterion_results_status" in run.stdout
    assert f"The published warehouse {published_copy} was not changed." in run.stderr
    assert _sha256(published_copy) == before


def test_malformed_raw_file_is_refused_with_its_reason(
    published_copy: Path, tmp_path: Path
) -> None:
    before = _sha256(published_copy)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    cities = seeds / "cities.csv"
    cities.write_text(cities.read_text().replace("population_year", "pop_year", 1))

    run = run_wwc("build", "--seeds", str(seeds), warehouse=published_copy)

    assert run.returncode == 1
    assert "cities.csv: header is" in run.stderr
    assert "expected 'city_id,city_name,state_code,population,population_year," in run.stderr
    assert _sha256(published_copy) == before


def test_second_writer_is_turned_away_while_one_holds_the_lock(published_copy: Path) -> None:
    before = _sha256(published_copy)
    lock_path = published_copy.parent / f".{published_copy.name}.lock"
    with lock_path.open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        run = run_wwc("build", warehouse=published_copy)
    assert run.returncode == 1
    assert "another wwc build or refresh is writing" in run.stderr
    assert _sha256(published_copy) == before
