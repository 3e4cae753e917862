"""`wwc build`: rebuild the warehouse into a separate file, run every gate, then publish."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from wwc.dbt_runner import run_dbt
from wwc.generator.seeds import is_synthetic_history
from wwc.landing.files import accepted_files
from wwc.publish import PublishError, inspect_build, publish, writer_lock
from wwc.published_outputs import write_published_outputs
from wwc.quality.marts import validate_marts
from wwc.quality.validate import ValidationUnavailable
from wwc.raw_loader import assemble_raw
from wwc.settings import (
    SEEDS_DIR,
    STORAGE_COMPATIBILITY_VERSION,
    accepted_dir,
    quarantine_dir,
    warehouse_path,
)

Say = Callable[[str], None]


class BuildError(RuntimeError):
    """The build did not pass its gates; the published warehouse is unchanged."""


@dataclass(frozen=True)
class BuildResult:
    published: Path
    storage_version: str
    rows: dict[str, int]
    data_docs: Path
    seconds: float
    report: Path | None = None  # the picture report (HTML)
    parquet: Path | None = None  # the Parquet export folder


@contextmanager
def build_copy(published: Path) -> Iterator[Path]:
    """A fresh build file beside the published one, removed afterwards whatever happens.

    Same file name in a sibling folder: DuckDB names the catalog after the file stem and views
    refer to it, so the build copy must be called what the published file is called.
    """
    build_dir = published.parent / f".{published.name}.build"
    shutil.rmtree(build_dir, ignore_errors=True)  # left over by a killed build
    build_dir.mkdir(parents=True)
    try:
        yield build_dir / published.name
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)


def connect_new(build_file: Path) -> duckdb.DuckDBPyConnection:
    """Create the build file; its storage version is fixed now, for readers from DuckDB 1.4."""
    return duckdb.connect(
        str(build_file), config={"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION}
    )


def gate_and_publish(
    build_file: Path,
    published: Path,
    seeds_dir: Path,
    say: Say,
    with_landing_files: bool,
    before_publish: Callable[[], None] = lambda: None,
) -> BuildResult:
    """Run dbt build and the Great Expectations gates on build_file, then publish it.

    The calibration tests check the published figures of the synthetic history, so they run
    only on the generator's unchanged seeds with no landing file on top.
    """
    started = time.perf_counter()
    args = ["build"]
    if not is_synthetic_history(seeds_dir):
        say("The seeds are not the generator's unchanged files: skipping calibration tests")
        args += ["--exclude", "tag:calibration"]
    elif with_landing_files:
        say("Landing files are loaded on top of the synthetic history: skipping calibration tests")
        args += ["--exclude", "tag:calibration"]
    say("Running dbt build (models, contracts, unit and data tests)")
    code = run_dbt(args, build_file)
    unchanged = f"The published warehouse {published} was not changed."
    if code != 0:
        raise BuildError(f"dbt build failed (exit {code}); see the errors above. {unchanged}")
    say("Validating the marts with Great Expectations")
    try:
        problems, docs = validate_marts(build_file)
    except ValidationUnavailable as exc:
        raise BuildError(f"the marts could not be validated: {exc}. {unchanged}") from exc
    if problems:
        raise BuildError(
            "the marts failed their Great Expectations suites:\n  "
            + "\n  ".join(problems)
            + f"\n{unchanged}"
        )
    try:
        storage, rows = inspect_build(build_file)
        before_publish()
        publish(build_file, published)
    except PublishError as exc:
        raise BuildError(f"{exc}. {unchanged}") from exc
    outputs = write_published_outputs(published, say)  # from the published file, read-only
    seconds = time.perf_counter() - started
    return BuildResult(published, storage, rows, docs, seconds, outputs.report, outputs.parquet)


def build(seeds_dir: Path = SEEDS_DIR, say: Say = print) -> BuildResult:
    """Full rebuild from the seeds plus every accepted landing file."""
    started = time.perf_counter()
    published = warehouse_path()
    published.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(published), build_copy(published) as build_file:
        say(f"Loading raw files from {seeds_dir} and {accepted_dir()} into a build copy")
        with connect_new(build_file) as con:
            counts = assemble_raw(con, seeds_dir, accepted_dir(), quarantine_dir())
        for table, n in counts.items():
            say(f"  raw.{table}: {n} rows from the seeds")
        landing_files = len(accepted_files(accepted_dir()))
        if landing_files:
            say(f"  and {landing_files} accepted landing file(s)")
        result = gate_and_publish(build_file, published, seeds_dir, say, landing_files > 0)
    return replace(result, seconds=time.perf_counter() - started)
