"""The same dbt project on Spark: `wwc build --target spark` on a local Spark session (dbt-spark
session mode), every mart and report equal to the DuckDB build row for row.

PySpark and dbt-spark are the optional `spark` dependency group: the build runs through
`uv run --frozen --group spark`, which adds the group from uv.lock when it is missing and
removes nothing. Skipped unless asked for (see conftest.py); CI sets WWC_TEST_SPARK=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from support.commands import PROJECT_ROOT, Built, Run
from support.warehouse_compare import assert_same_relation
from wwc.targets.spark import parquet_files, table_folders

pytestmark = pytest.mark.spark


def uv() -> list[str]:
    """The uv that runs this session (`uv run` sets UV), else the one on PATH."""
    found = os.environ.get("UV") or shutil.which("uv")
    return [found] if found else ["python3", "-m", "uv"]


@pytest.fixture(scope="module")
def spark_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path, float]:
    folder = tmp_path_factory.mktemp("spark")
    env = dict(
        os.environ, WWC_WAREHOUSE=str(folder / "wwc.duckdb"), WWC_SPARK_HOME=str(folder / "spark")
    )
    command = [*uv(), "run", "--frozen", "--group", "spark", "wwc", "build", "--target", "spark"]
    started = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    seconds = time.perf_counter() - started
    run = Run(done.returncode, done.stdout, done.stderr)
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-3000:]
    return run, folder / "spark" / "warehouse", seconds


def test_spark_build_passes_every_dbt_test(spark_built: tuple[Run, Path, float]) -> None:
    run, _, seconds = spark_built
    assert "Completed successfully" in run.stdout
    assert " ERROR=0 " in run.stdout and " SKIP=0 " in run.stdout
    # The calibration tests ran too (unchanged synthetic history, no landing file).
    assert "skipping calibration tests" not in run.stdout
    assert "assert_certified_cities_by_cohort" in run.stdout
    print(f"Spark build: {seconds:.0f} s")


def test_every_mart_and_report_equals_the_duckdb_build(
    built: Built, spark_built: tuple[Run, Path, float]
) -> None:
    _, warehouse, _ = spark_built
    folders = table_folders(warehouse)
    duck = duckdb.connect(str(built.path), read_only=True)
    try:
        relations = [
            f"{schema}.{name}"
            for schema, name in duck.execute(
                """select table_schema, table_name from information_schema.tables
                   where table_schema in ('marts', 'reports')"""
            ).fetchall()
        ]
        assert sorted(folders) == sorted(relations)
        for relation in relations:
            columns = [
                c
                for (c,) in duck.execute(
                    """select column_name from information_schema.columns
                       where table_schema || '.' || table_name = ? order by ordinal_position""",
                    [relation],
                ).fetchall()
            ]
            names = ", ".join(f'"{c}"' for c in columns)
            files = parquet_files(folders[relation])
            spark_rows = (
                duck.execute(f"select {names} from read_parquet(?)", [files]).fetchall()
                if files
                else []
            )
            assert_same_relation(
                relation,
                columns,
                duck.execute(f"select {names} from {relation}").fetchall(),
                spark_rows,
                "Spark",
            )
    finally:
        duck.close()
