"""`wwc build --target spark`: the same dbt project on Spark (dbt-spark session mode, local
master by default; `uv sync --group spark` installs PySpark).

1. raw: the DuckDB loader assembles schema `raw` in memory (seeds, accepted landing files, load
   log; see `wwc.targets.raw`) and writes each table as Parquet under `$WWC_SPARK_HOME/raw/`;
2. `dbt run-operation spark_attach_raw` registers those folders as tables of schema raw in the
   Spark metastore;
3. one `dbt build --target spark` (models, contract column checks, unit and data tests,
   calibration tests on the unchanged synthetic history);
4. row counts, read from the tables' Parquet files.

`WWC_SPARK_HOME` (default `spark/` beside the DuckDB warehouse, e.g. `data/spark`) holds the
warehouse folder and the Derby metastore that profiles.yml points the session at. Spark does
not enforce the contracts' primary keys or not-null and check constraints on Parquet tables
(dbt checks the column names and types; the data tests check the rest), and a rebuild drops
and recreates each table, so this target is for building at scale, not for serving readers.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from wwc.dbt_runner import build_args, run_dbt
from wwc.errors import BuildError
from wwc.lock import writer_lock
from wwc.publish import PUBLIC_SCHEMAS
from wwc.raw_format import RAW_SCHEMA
from wwc.seeds_manifest import Seeds
from wwc.settings import Settings
from wwc.targets.raw import scratch_raw

Say = Callable[[str], None]
TARGET = "spark"


@dataclass(frozen=True)
class SparkResult:
    warehouse: Path
    rows: dict[str, int]
    seconds: float


def table_folders(warehouse: Path) -> dict[str, Path]:
    """`schema.table` -> the folder of its Parquet files, for the public schemas."""
    folders = {}
    for schema in PUBLIC_SCHEMAS:
        base = warehouse / f"{schema}.db"
        if base.is_dir():
            for table in sorted(p for p in base.iterdir() if p.is_dir()):
                folders[f"{schema}.{table.name}"] = table
    return folders


def parquet_files(folder: Path) -> list[str]:
    """The Parquet files of a Spark table (an empty table may have none)."""
    return [str(f) for f in sorted(folder.glob("*.parquet"))]


def count_rows(folder: Path) -> int:
    files = parquet_files(folder)
    if not files:
        return 0
    with duckdb.connect() as con:
        return con.execute("select count(*) from read_parquet(?)", [files]).fetchall()[0][0]


def build(settings: Settings, seeds: Seeds, say: Say = print) -> SparkResult:
    started = time.perf_counter()
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise BuildError(
            "the Spark target needs PySpark and dbt-spark: python3 -m uv sync --frozen "
            "--group spark"
        ) from exc
    home = settings.spark_home  # run_dbt gives it to dbt, whose profiles.yml reads it
    home.mkdir(parents=True, exist_ok=True)
    raw_dir = home / "raw"
    with writer_lock(home / "warehouse"):
        say(f"Writing raw Parquet files to {raw_dir}")
        shutil.rmtree(raw_dir, ignore_errors=True)
        with scratch_raw(settings, seeds) as raw:
            for table in raw.tables:
                folder = raw_dir / table.name
                folder.mkdir(parents=True)
                raw.con.execute(
                    f'copy (select * from {RAW_SCHEMA}."{table.name}") '
                    f"to '{folder / 'part-0.parquet'}' (format parquet)"
                )
                rows = raw.con.execute(
                    f'select count(*) from {RAW_SCHEMA}."{table.name}"'
                ).fetchone()[0]
                say(f"  raw.{table.name}: {rows} rows")
            names = [t.name for t in raw.tables]
            with_landing = raw.landing_files > 0
        say("Registering schema raw in the Spark metastore")
        arguments = json.dumps({"location": str(raw_dir), "tables": names})
        operation = ["run-operation", "spark_attach_raw", "--args", arguments]
        code = run_dbt(operation, settings, target=TARGET)
        if code != 0:
            raise BuildError(f"registering the raw tables on Spark failed (exit {code})")
        say("Running dbt build --target spark (models, contracts, unit and data tests)")
        # raw is reloaded whole, so every model is rebuilt (the facts are incremental on DuckDB)
        args = [*build_args(seeds, with_landing, say), "--full-refresh"]
        code = run_dbt(args, settings, target=TARGET)
        if code != 0:
            raise BuildError(f"dbt build --target spark failed (exit {code}); see the errors above")
        warehouse = home / "warehouse"
        rows = {name: count_rows(folder) for name, folder in table_folders(warehouse).items()}
    return SparkResult(warehouse, rows, time.perf_counter() - started)
