"""The stages every build goes through, shared by `wwc build`, `wwc refresh` and Dagster.

1. `prepare`: a fresh build file beside the published one; raw = seeds + accepted landing files,
   then (for a refresh) the new landing files that pass their checks; the rest is quarantined.
2. dbt: one `dbt build` with `dbt_build_args` against the build file (`run_dbt` here, the
   `@dbt_assets` in Dagster).
3. `validate`: the marts' Great Expectations suites on the build file.
4. `publish_build`: storage check, row counts, accepted files stored, atomic rename.
A failure at any stage leaves the published file as it was.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from wwc.generator.seeds import is_synthetic_history
from wwc.landing.checks import check_landing_frame
from wwc.landing.files import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    LandingFile,
    Record,
    accepted_files,
    accepted_name,
    all_records,
    discover,
    now_utc,
    quarantine,
    sha256_of,
    store_accepted,
)
from wwc.landing.parse import UnreadableFile, read_landing_file
from wwc.publish import PublishError, inspect_build, publish
from wwc.published_outputs import write_published_outputs
from wwc.quality.marts import data_docs_index, validate_marts
from wwc.quality.validate import ValidationUnavailable, open_context
from wwc.raw_loader import assemble_raw, load_landing_file, record_load_log, seeds_fingerprint
from wwc.settings import (
    STORAGE_COMPATIBILITY_VERSION,
    accepted_dir,
    landing_dir,
    quarantine_dir,
    warehouse_path,
)

Say = Callable[[str], None]
DEFAULT_SETTLE_SECONDS = 2.0


class BuildError(RuntimeError):
    """The build did not pass its gates; the published warehouse is unchanged."""


@dataclass
class Prepared:
    """A build file ready for dbt, and what the landing check decided."""

    published: Path
    build_file: Path
    seeds_dir: Path
    raw_counts: dict[str, int]
    earlier_landing_files: int
    staged: list[tuple[LandingFile, Record]] = field(default_factory=list)
    refused: list[Record] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    new_files_seen: bool = False
    incremental: bool = False  # started from a copy of the published file
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, for benchmarks

    @property
    def with_landing_files(self) -> bool:
        return self.earlier_landing_files > 0 or bool(self.staged)


@dataclass(frozen=True)
class BuildResult:
    published: Path
    storage_version: str
    rows: dict[str, int]
    data_docs: Path
    seconds: float
    report: Path  # the picture report (HTML)
    parquet: Path  # the Parquet export folder
    stages: dict[str, float]  # seconds per stage


def build_dir(published: Path) -> Path:
    """Sibling folder of the build copy. The copy keeps the published file's name: DuckDB names
    the catalog after the file stem and views refer to it."""
    return published.parent / f".{published.name}.build"


def remove_build_copy(published: Path) -> None:
    shutil.rmtree(build_dir(published), ignore_errors=True)


def settle_seconds() -> float:
    return float(os.environ.get("WWC_LANDING_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS))


def _check_new_files(
    prepared: Prepared, con: duckdb.DuckDBPyConnection, files: list[LandingFile], say: Say
) -> None:
    context = open_context()  # fails closed before anything moves
    seen = {r.sha256: r for r, _ in accepted_files(accepted_dir())}

    def refuse(file: LandingFile, record: Record, outcome: str, reasons: list[str]) -> None:
        record.outcome, record.reasons = outcome, reasons
        target = quarantine(file, record, quarantine_dir())
        prepared.refused.append(record)
        say(f"Quarantined {file.name} -> {target}")
        for reason in reasons:
            say(f"    {reason}")

    for file in files:
        record = Record(file.name, sha256_of(file.path), now_utc(), ACCEPTED)
        if record.sha256 in seen:
            first = seen[record.sha256]
            reason = (f"identical to {first.original_name!r}, already loaded at "
                      f"{first.received_at}; nothing to add")  # fmt: skip
            refuse(file, record, DUPLICATE, [reason])
            continue
        say(f"Checking {file.name}")
        try:
            frame = read_landing_file(file.path)
        except UnreadableFile as exc:
            refuse(file, record, REJECTED, exc.reasons)
            continue
        record.rows, record.assessments = len(frame), frame["assessment_id"].nunique()
        failures = check_landing_frame(context, frame, con)
        if failures:
            refuse(file, record, REJECTED, [f.describe() for f in failures])
            continue
        record.stored_as = accepted_name(record)
        load_landing_file(con, file.path, record.stored_as)
        seen[record.sha256] = record
        prepared.staged.append((file, record))
        say(f"  passed: {record.rows} rows, {record.assessments} assessment(s)")
    data_docs_index()


def _published_is_current(published: Path, seeds_dir: Path) -> bool:
    """True if the published file holds exactly the current seeds and accepted files, so a
    refresh may start from a copy of it (it may not after a crash between storing accepted
    files and publishing, or after the seeds changed)."""
    if not published.is_file():
        return False
    try:
        with duckdb.connect(str(published), read_only=True) as con:
            built_from = con.execute("select seeds_fingerprint from raw.build_info").fetchone()
            accepted_sql = "select stored_as from raw.load_log where outcome = 'accepted'"
            loaded = {row[0] for row in con.execute(accepted_sql).fetchall()}
    except duckdb.Error:
        return False
    accepted = {record.stored_as for record, _ in accepted_files(accepted_dir())}
    return built_from == (seeds_fingerprint(seeds_dir),) and loaded == accepted


def prepare(seeds_dir: Path, say: Say, with_landing: bool, always_build: bool = True) -> Prepared:
    """Stage 1. The caller holds the writer lock.

    with_landing: check the new files in landing. always_build: prepare a build copy even when
    no new file arrived (a full build). A refresh with new files and a current published file
    starts from a copy of it, so dbt's incremental models only touch what the files changed.
    """
    started = time.perf_counter()
    published = warehouse_path()
    published.parent.mkdir(parents=True, exist_ok=True)
    files: list[LandingFile] = []
    waiting: list[str] = []
    if with_landing:
        landing = landing_dir()
        landing.mkdir(parents=True, exist_ok=True)
        files, waiting = discover(landing, settle_seconds())
        for name in waiting:
            say(f"Left for the next run (still being written or a temporary name): {name}")
    build_file = build_dir(published) / published.name
    earlier = len(accepted_files(accepted_dir()))
    prepared = Prepared(published, build_file, seeds_dir, {}, earlier, waiting=waiting,
                        new_files_seen=bool(files))  # fmt: skip
    if not (files or always_build):
        return prepared
    remove_build_copy(published)  # left over by a killed build
    build_dir(published).mkdir(parents=True)
    if files and not always_build and _published_is_current(published, seeds_dir):
        say(f"Refreshing incrementally, from a copy of {published}")
        shutil.copyfile(published, build_file)
        prepared.incremental = True
        con = duckdb.connect(str(build_file))
    else:
        say(f"Loading raw files from {seeds_dir} and {accepted_dir()} into a build copy")
        # The storage version is fixed when the file is created: readers from DuckDB 1.4 on.
        config = {"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION}
        con = duckdb.connect(str(build_file), config=config)
        prepared.raw_counts = assemble_raw(con, seeds_dir, accepted_dir(), quarantine_dir())
        for table, n in prepared.raw_counts.items():
            say(f"  raw.{table}: {n} rows from the seeds")
        if earlier:
            say(f"  and {earlier} accepted landing file(s)")
    with con:
        if files:
            _check_new_files(prepared, con, files, say)
            record_load_log(con, all_records(accepted_dir(), quarantine_dir())
                            + [r for _, r in prepared.staged])  # fmt: skip
    prepared.stages["prepare"] = time.perf_counter() - started
    return prepared


def dbt_build_args(prepared: Prepared, say: Say) -> list[str]:
    """Stage 2's arguments on DuckDB. An incremental refresh also skips the tests that scan
    every criterion result (tag results_grain): the landing suite checked the new rows and the
    enforced primary key and not-null constraints hold for every insert; every full build
    (nightly) runs them all."""
    skip = []
    if prepared.incremental:
        say("Incremental refresh: skipping the tests that scan every criterion result")
        skip.append("tag:results_grain,resource_type:test")
    return build_args(prepared.seeds_dir, prepared.with_landing_files, say, skip)


def build_args(
    seeds_dir: Path, with_landing_files: bool, say: Say, skip: list[str] | None = None
) -> list[str]:
    """`dbt build`'s arguments, on every target. The calibration tests check the published
    figures of the synthetic history, so they run only on the generator's unchanged seeds with
    no landing file on top. Everything excluded goes in one `--exclude` value, because
    dagster-dbt appends arguments of its own."""
    excluded = list(skip or [])
    if not is_synthetic_history(seeds_dir):
        say("The seeds are not the generator's unchanged files: skipping calibration tests")
        excluded.insert(0, "tag:calibration")
    elif with_landing_files:
        say("Landing files are loaded on top of the synthetic history: skipping calibration tests")
        excluded.insert(0, "tag:calibration")
    return ["build", "--exclude", " ".join(excluded)] if excluded else ["build"]


def unchanged(prepared: Prepared) -> str:
    return f"The published warehouse {prepared.published} was not changed."


def validate(prepared: Prepared, say: Say) -> Path:
    """Stage 3: the marts' Great Expectations suites; returns the Data Docs index."""
    say("Validating the marts with Great Expectations")
    started = time.perf_counter()
    try:
        problems, docs = validate_marts(prepared.build_file)
    except ValidationUnavailable as exc:
        raise BuildError(f"the marts could not be validated: {exc}. {unchanged(prepared)}") from exc
    if problems:
        raise BuildError("the marts failed their Great Expectations suites:\n  "
                         + "\n  ".join(problems) + f"\n{unchanged(prepared)}")  # fmt: skip
    prepared.stages["quality_gates"] = time.perf_counter() - started
    return docs


def publish_build(prepared: Prepared, data_docs: Path, started: float, say: Say) -> BuildResult:
    """Stage 4: check the file, store the newly accepted landing files, publish atomically,
    then write the picture report and the Parquet export from the published file.

    Files move to accepted/ just before the rename: if the process dies in between, the next
    build replays them, so nothing is lost and nothing is loaded twice.
    """
    stage_started = time.perf_counter()
    try:
        storage, rows = inspect_build(prepared.build_file)
        for file, record in prepared.staged:
            store_accepted(file, record, accepted_dir())
        publish(prepared.build_file, prepared.published)
    except PublishError as exc:
        raise BuildError(f"{exc}. {unchanged(prepared)}") from exc
    prepared.stages["publish"] = time.perf_counter() - stage_started
    stage_started = time.perf_counter()
    outputs = write_published_outputs(prepared.published, say)  # read-only, after the rename
    prepared.stages["outputs"] = time.perf_counter() - stage_started
    return BuildResult(prepared.published, storage, rows, data_docs,
                       time.perf_counter() - started, outputs.report, outputs.parquet,
                       dict(prepared.stages))  # fmt: skip


def quarantine_staged(prepared: Prepared, error: BaseException, say: Say) -> None:
    """The build failed with these files in it: set them aside rather than retry them forever."""
    for file, record in prepared.staged:
        if file.path.exists():
            record.outcome = REJECTED
            record.reasons = ["passed the landing checks, but the warehouse build failed with it "
                              f"in the batch: {error}"]  # fmt: skip
            target = quarantine(file, record, quarantine_dir())
            prepared.refused.append(record)
            say(f"Quarantined {file.name} -> {target}")
