"""Every setting of the project, read from the environment once (`Settings.from_env`) and passed
explicitly from there: to the stages, to the Dagster definitions, and to dbt as the environment
of its subprocess. No module reads a WWC_* or PG* variable or DBT_TARGET_PATH itself, and none
writes os.environ. (A Dagster run worker reads them twice: to start its dbt before it loads the
definitions, which read them again; the writer takes that dbt only if both readings are equal.)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "wwc.duckdb"
# The committed Great Expectations project (suites, checkpoints); `python -m wwc.quality.suites`
# writes it. Validation reads `Settings.expectations`, which WWC_EXPECTATIONS_DIR may move.
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

# The oldest DuckDB release whose readers the published file must serve (BI drivers lag).
STORAGE_COMPATIBILITY_VERSION = "v1.4.0"


@dataclass(frozen=True)
class PostgresConnection:
    """The libpq variables, with the same defaults as the `postgres` output of profiles.yml."""

    host: str = "localhost"
    port: int = 5432
    user: str = "postgres"
    password: str = field(default="", repr=False)
    dbname: str = "wwc"

    def describe(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"

    def environment(self) -> dict[str, str]:
        """What profiles.yml reads for the `postgres` target."""
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": self.dbname,
        }


def _path(value: str) -> Path:
    return Path(value).expanduser().resolve()


@dataclass(frozen=True)
class Settings:
    """Where everything lives and how the unattended parts behave. Folders not given explicitly
    live beside the published warehouse."""

    warehouse: Path = DEFAULT_WAREHOUSE  # WWC_WAREHOUSE: the published file
    landing_override: Path | None = None  # WWC_LANDING (default: <warehouse dir>/landing)
    expectations: Path = EXPECTATIONS_DIR  # WWC_EXPECTATIONS_DIR
    settle_seconds: float = 2.0  # WWC_LANDING_SETTLE_SECONDS: a landing file must stay unchanged
    # WWC_SENSOR_INTERVAL_SECONDS: the least time between two ticks of Dagster's landing sensor
    # (a tick is one listing of the folder). The daemon's sensor loop comes round every 5 s; at
    # 5 it skipped about every other round, as Dagster measures the interval from the previous
    # tick's start, which drifts by fractions of a second; at 1 every round ticks.
    sensor_interval_seconds: int = 1
    nightly_cron: str = "0 3 * * *"  # WWC_NIGHTLY_CRON: Dagster's full rebuild (UTC)
    max_age_hours: float = 26.0  # WWC_MAX_AGE_HOURS: freshness of the published warehouse
    data_docs_runs: int = 20  # WWC_DATA_DOCS_RUNS: validation runs kept per suite in Data Docs
    spark_home_override: Path | None = None  # WWC_SPARK_HOME (default: <warehouse dir>/spark)
    spark_master: str = "local[2]"  # WWC_SPARK_MASTER
    postgres: PostgresConnection = PostgresConnection()  # PGHOST, PGPORT, PGUSER, ...
    pg_reader_role: str = "wwc_reader"  # WWC_PG_READER_ROLE
    # DBT_TARGET_PATH (dbt's own variable, relative to the project): dbt's manifest and partial
    # parse, and the link through which it reaches a build copy (dbt_runner.linked_build_copy).
    # Builds from one checkout take turns in one target folder; builds with different target
    # folders run side by side (the test suite's workers each have their own).
    dbt_target: Path = PROJECT_ROOT / "target"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        pg = PostgresConnection()
        optional = {"WWC_LANDING": "landing_override", "WWC_SPARK_HOME": "spark_home_override"}
        return cls(
            warehouse=_path(env.get("WWC_WAREHOUSE") or str(DEFAULT_WAREHOUSE)),
            expectations=Path(env.get("WWC_EXPECTATIONS_DIR", EXPECTATIONS_DIR)),
            settle_seconds=float(env.get("WWC_LANDING_SETTLE_SECONDS", defaults.settle_seconds)),
            sensor_interval_seconds=int(
                env.get("WWC_SENSOR_INTERVAL_SECONDS", defaults.sensor_interval_seconds)
            ),
            nightly_cron=env.get("WWC_NIGHTLY_CRON", defaults.nightly_cron),
            max_age_hours=float(env.get("WWC_MAX_AGE_HOURS", defaults.max_age_hours)),
            data_docs_runs=max(1, int(env.get("WWC_DATA_DOCS_RUNS", defaults.data_docs_runs))),
            spark_master=env.get("WWC_SPARK_MASTER", defaults.spark_master),
            postgres=PostgresConnection(
                host=env.get("PGHOST", pg.host),
                port=int(env.get("PGPORT", pg.port)),
                user=env.get("PGUSER", pg.user),
                password=env.get("PGPASSWORD", pg.password),
                dbname=env.get("PGDATABASE", pg.dbname),
            ),
            pg_reader_role=env.get("WWC_PG_READER_ROLE", defaults.pg_reader_role),
            dbt_target=(PROJECT_ROOT / (env.get("DBT_TARGET_PATH") or "target")).resolve(),
            **{name: _path(env[var]) for var, name in optional.items() if env.get(var)},
        )

    @property
    def data_dir(self) -> Path:
        """Folder of the published warehouse; quarantine, accepted files and outputs live here."""
        return self.warehouse.parent

    @property
    def landing(self) -> Path:
        return self.landing_override or self.data_dir / "landing"

    @property
    def quarantine(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def accepted(self) -> Path:
        """Every landing file accepted so far; every full build replays them after the seeds."""
        return self.data_dir / "accepted"

    @property
    def gx_runtime(self) -> Path:
        """Validation results and the Data Docs site (Great Expectations run-time output)."""
        return self.data_dir / "gx"

    @property
    def build_dir(self) -> Path:
        """Sibling folder of the build copy, removed after every run."""
        return self.data_dir / f".{self.warehouse.name}.build"

    @property
    def build_file(self) -> Path:
        """The build copy keeps the published file's name: DuckDB names the catalog after the
        file stem and views refer to it."""
        return self.build_dir / self.warehouse.name

    @property
    def spark_home(self) -> Path:
        return self.spark_home_override or self.data_dir / "spark"

    @property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster_home"

    @property
    def dagster_dbt_target(self) -> Path:
        """dagster-dbt's invocations write here, one run after another: dbt's partial parse
        carries from run to run, and no run leaves a folder behind."""
        return self.dbt_target / "dagster"

    def dbt_environment(self) -> dict[str, str]:
        """The variables profiles.yml reads, and dbt's target folder, for the environment of a dbt
        subprocess."""
        return {
            "WWC_WAREHOUSE": str(self.warehouse),
            "WWC_SPARK_HOME": str(self.spark_home),
            "WWC_SPARK_MASTER": self.spark_master,
            "DBT_TARGET_PATH": str(self.dbt_target),
            **self.postgres.environment(),
        }
