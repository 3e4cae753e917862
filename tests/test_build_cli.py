"""`wwc build` from a subprocess: exit code, printed path, rows per mart and report, publish
rules."""

from __future__ import annotations

import fcntl
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from support.commands import SEEDS_DIR, Built, run_wwc
from wwc.picture_report import report_path
from wwc.quality.suites import MART_FRAMES

MARTS = {
    "dim_cities",
    "dim_criteria",
    "fct_assessments",
    "fct_criterion_results",
    "fct_landing_files",
    "fct_practice_area_results",
    "fct_practice_area_achievement_by_year",
    "fct_practice_area_achievement_by_cohort",
}
REPORTS = {
    "rpt_criterion_prevalence",
    "rpt_practice_area_change_between_assessments",
    "rpt_achievement_by_form_of_government",
    "rpt_achievement_by_population_band",
    "rpt_certification_levels_by_year",
    "rpt_mastery_characteristics",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _printed_rows(stdout: str, schema: str) -> dict[str, int]:
    return {
        m.group(1): int(m.group(2))
        for m in re.finditer(rf"^\s+{schema}\.(\w+)\s+(\d+)$", stdout, re.M)
    }


def test_build_prints_published_path_last_and_rows_per_mart(built: Built) -> None:
    lines = built.run.stdout.strip().splitlines()
    assert lines[-1] == f"Published warehouse: {built.path}"
    printed = _printed_rows(built.run.stdout, "marts")
    assert set(printed) == MARTS
    with duckdb.connect(str(built.path), read_only=True) as con:
        for mart, rows in printed.items():
            assert con.execute(f"select count(*) from marts.{mart}").fetchone()[0] == rows
    assert printed["dim_cities"] == 203
    assert printed["fct_criterion_results"] == 115 * 50 + 209 * 45


def test_build_prints_rows_per_report(built: Built) -> None:
    printed = _printed_rows(built.run.stdout, "reports")
    assert set(printed) == REPORTS
    with duckdb.connect(str(built.path), read_only=True) as con:
        for report, rows in printed.items():
            assert con.execute(f"select count(*) from reports.{report}").fetchone()[0] == rows
    assert printed["rpt_criterion_prevalence"] == 45 * 3  # 2018, 2019 and all years
    assert printed["rpt_certification_levels_by_year"] == 3  # cohorts 2018 to 2020


def test_build_honours_wwc_warehouse_and_leaves_no_build_copy(built: Built) -> None:
    assert built.path.is_file()
    expected = {"wwc.duckdb", ".wwc.duckdb.lock", "gx", "wwc_report.html", "parquet"}
    parquet_export = (built.path.parent / "parquet").resolve().name  # the export it links to
    leftovers = [
        p.name for p in built.path.parent.iterdir() if p.name not in expected | {parquet_export}
    ]
    assert leftovers == []


def test_data_docs_are_built_beside_the_warehouse_and_need_no_network(built: Built) -> None:
    index = built.path.parent / "gx" / "data_docs" / "index.html"
    assert f"Data quality report (Great Expectations Data Docs): {index}" in built.run.stdout
    pages = list(index.parent.rglob("*.html"))
    assert len(pages) >= 5  # index, 4 suites, their validation results
    for page in pages:
        html = page.read_text()
        assert not re.search(r"<(script|img)[^>]*src=\"https?:", html), page
        assert not re.search(r"<link[^>]*href=\"https?:", html), page
    html = index.read_text()
    # The index's lists are plain HTML (the scripts that filled them are stripped offline):
    # each mart suite's validation result is a row linking to its page, marked a success.
    assert "bootstrapTable" not in html
    for suite in MART_FRAMES:
        links = re.findall(rf'<a href="(validations/{suite}/[^"]+\.html)">', html)
        assert links, suite
        assert all((index.parent / link).is_file() for link in links)
    assert html.count("ge-success-icon") >= len(MART_FRAMES)


def test_published_file_opens_in_duckdb_1_4_and_later(built: Built) -> None:
    with duckdb.connect(str(built.path), read_only=True) as con:
        tags = con.execute(
            "select tags from duckdb_databases() where database_name = 'wwc'"
        ).fetchone()[0]
    assert dict(tags)["storage_version"] == "v1.4.0+"


def test_marts_and_reports_carry_table_and_column_comments(built: Built) -> None:
    with duckdb.connect(str(built.path), read_only=True) as con:
        missing = con.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where schema_name in ('marts', 'reports') and (comment is null or comment = '')"
        ).fetchall()
        tables = dict(
            con.execute(
                "select schema_name, count(*) from duckdb_tables() "
                "where schema_name in ('marts', 'reports') and comment <> '' group by 1"
            ).fetchall()
        )
    assert missing == []
    assert tables == {"marts": len(MARTS), "reports": len(REPORTS)}


def test_failing_dbt_test_leaves_published_file_byte_identical(
    published_copy: Path, tmp_path: Path
) -> None:
    before = _sha256(published_copy)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    results = seeds / "criterion_results.csv"
    header, first, *rest = results.read_text().splitlines(keepends=True)
    results.write_text("".join([header, first, first, *rest]))  # one result reported twice

    run = run_wwc("build", "--seeds", str(seeds), warehouse=published_copy)

    assert run.returncode == 1
    assert "skipping calibration tests" in run.stdout
    assert "unique_combination_of_columns_stg_wwc__criterion_results" in run.stdout
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


# (file, text replaced once, replacement, what the reason says about the value)
SEED_FAULTS = [
    ("criterion_results", ",not met\n", ",maybe\n", "status must be one of: met, not met"),
    ("cities", ",council-manager\n", ",city manager\n", "form_of_government must be one of: "),
    ("criteria", ",2018,Open Data,", ",2018,Opn Data,", "practice_area must be one of: "),
    ("assessments", ",2018,", ",twenty18,", "standard_version must be a whole number"),
    ("assessments", "-03-", "-13-", "submitted_date must be a date written YYYY-MM-DD"),
]  # fmt: skip


def test_bad_values_in_real_seeds_are_named_with_file_line_and_value_in_one_pass(
    published_copy: Path, tmp_path: Path
) -> None:
    """Bad values in several real seed files are refused before dbt, all in one message: per
    broken rule the file, the column, what was expected, and the line and value found; the
    published warehouse is unchanged and says so."""
    before = _sha256(published_copy)
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    expected = []
    for entity, old, new, reason in SEED_FAULTS:
        path = seeds / f"{entity}.csv"
        lines = path.read_text().splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if i and old in line and new not in line)
        was = lines[at].rstrip("\n").split(",")
        lines[at] = lines[at].replace(old, new, 1)
        path.write_text("".join(lines))
        now = lines[at].rstrip("\n").split(",")
        value = next(b for a, b in zip(was, now, strict=True) if a != b)
        expected.append(f"{entity}.csv: {reason}")
        expected.append(f"line {at + 1} {value!r}")

    run = run_wwc("build", "--seeds", str(seeds), warehouse=published_copy)

    assert run.returncode == 1
    for words in expected:
        assert words in run.stderr
    assert f"The published warehouse {published_copy} was not changed." in run.stderr
    assert "Traceback" not in run.stderr
    assert "Running dbt build" not in run.stdout
    assert _sha256(published_copy) == before


def test_real_seeds_are_not_labelled_synthetic(published_copy: Path, tmp_path: Path) -> None:
    """Seeds that are not the generator's unchanged files are reported as what they are: the
    picture report names their folder and makes no claim that they are synthetic."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    (seeds / "synthetic_history.json").unlink()

    run = run_wwc("build", "--seeds", str(seeds), warehouse=published_copy)

    assert run.returncode == 0, run.stderr
    assert (
        f"raw.cities: {len((seeds / 'cities.csv').read_text().splitlines()) - 1} rows from "
        f"{seeds.resolve() / 'cities'}.csv" in run.stdout
    )
    page = report_path(published_copy).read_text()
    assert "synthetic" not in page.lower()
    assert f"Built from the seed files in <code>{seeds.resolve()}</code>." in page


def test_second_writer_is_turned_away_while_one_holds_the_lock(published_copy: Path) -> None:
    before = _sha256(published_copy)
    lock_path = published_copy.parent / f".{published_copy.name}.lock"
    with lock_path.open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        run = run_wwc("build", warehouse=published_copy)
    assert run.returncode == 1
    assert "another wwc build or refresh is writing" in run.stderr
    assert _sha256(published_copy) == before


def test_the_printed_query_command_answers_from_the_published_file(built: Built) -> None:
    """The line `wwc build` prints runs as written: the DuckDB CLI is in the locked environment
    (here, this environment's bin) and reads the published file read-only."""
    printed = next(
        line for line in built.run.stdout.splitlines() if line.startswith("Query it read-only: ")
    )
    command = printed.removeprefix("Query it read-only: ").split()
    assert command[:4] == ["python3", "-m", "uv", "run"]
    duckdb_cli = str(Path(sys.executable).with_name("duckdb"))
    sql = "select count(*) from marts.fct_assessments"
    done = subprocess.run(
        [duckdb_cli, *command[command.index("-readonly") :], "-csv", "-noheader", "-c", sql],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(built.path), read_only=True) as con:
        assert int(done.stdout.strip()) == con.execute(sql).fetchone()[0]
