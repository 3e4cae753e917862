"""The stages of a DuckDB build, in order. `wwc build` and `wwc refresh` run them through
`run_stages`; the Dagster assets (orchestration/assets, checks.py) call the same functions, a
step per stage. No other module implements a stage.

1. `prepare`: a fresh build copy beside the published file: raw = seeds + accepted landing
   files, or a copy of the published file for a refresh that may run incrementally;
2. `check_landing`: each new landing file is checked; what passes is loaded into the copy, the
   rest is quarantined with its reasons;
3. dbt: one `dbt build` with `dbt_args` against the copy, judged by `dbt_finished` (on the
   command line and under Dagster in a dbt process started with the run, which parses while
   stages 1-2 run: a refresh once it found new files);
4. `gates`: the marts' Great Expectations suites;
5. `publish`: storage check, the batch's files stored as accepted, atomic rename;
6. `outputs`: the picture report and the Parquet export, from the published file.
A BuildError in stages 3-5 leaves the published file as it was (`quarantine_on_failure`): a
fault of no file leaves every new file in landing; a data failure with one new file quarantines
it, naming what failed; with several, `run_stages` builds each on its own to find the one to
blame (a Dagster run takes one file, the one its sensor request names). The caller holds the
writer lock for the whole run (`writing`).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from wwc import dbt_runner
from wwc.errors import BuildError, is_duckdb_machine_fault
from wwc.landing.files import (
    REJECTED,
    FolderUnavailable,
    LandingFile,
    Record,
    accepted_files,
    all_records,
    discover,
    quarantine,
    store_accepted,
)
from wwc.landing.format import shown
from wwc.landing.intake import check_files
from wwc.lock import writer_lock
from wwc.outputs import write_outputs
from wwc.picture_report.svg import start_renderer
from wwc.publish import PublishError, compact, copy_published, inspect_build, swap_in
from wwc.quality.data_docs import data_docs_index, prune_history
from wwc.quality.marts import validate_marts
from wwc.quality.suites import LANDING_SUITE, MART_FRAMES
from wwc.quality.validate import ValidationUnavailable, import_in_background, open_suites
from wwc.raw_loader import (
    RawFormatError,
    assemble_raw,
    forget_dbt_project,
    holds_current_raw,
    mark_refresh,
    record_load_log,
)
from wwc.seeds_manifest import Seeds
from wwc.settings import STORAGE_COMPATIBILITY_VERSION, Settings

Say = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    published: Path
    storage_version: str
    rows: dict[str, int]
    data_docs: Path
    seconds: float  # from taking the writer lock to the last output
    report: Path  # the picture report (HTML)
    parquet: Path  # the Parquet export folder
    stages: dict[str, float]  # seconds per stage


@dataclass
class Run:
    """One run of the stages: what it was asked to do, and what each stage found."""

    settings: Settings
    seeds: Seeds
    say: Say
    landing: bool = True  # look at the landing folder (`wwc build` does not)
    full_build: bool = False  # build even if no new file passed (`wwc build`, nightly)
    full_refresh: bool = False  # also pass --full-refresh to dbt
    only: frozenset[str] | None = None  # take only these new landing files (None: every one)
    split: bool = False  # builds one file of a failed batch (`_one_at_a_time`)
    published_earlier: tuple[str, ...] = ()  # ... after the command published these
    started: float = field(default_factory=time.perf_counter)
    new_files: list[LandingFile] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # left for the next run
    earlier_landing_files: int = 0
    incremental: bool = False  # started from a copy of the published file
    same_dbt_project: bool = False  # ... which this dbt project built (see `dbt_args`)
    raw_counts: dict[str, int] = field(default_factory=dict)
    staged: list[tuple[LandingFile, Record]] = field(default_factory=list)  # passed, in the copy
    refused: list[Record] = field(default_factory=list)  # rejected or duplicate
    accepted: list[Record] = field(default_factory=list)  # stored by the publish
    gate_problems: dict[str, list[str]] | None = None  # suite -> problems, once the gates ran
    data_docs: Path | None = None
    result: BuildResult | None = None
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, for benchmarks

    @property
    def build_file(self) -> Path:
        return self.settings.build_file

    @property
    def keeps_unchanged_models(self) -> bool:
        """dbt leaves the models no landing file feeds as they are (see `dbt_args`)."""
        return self.incremental and self.same_dbt_project

    @property
    def rebuilds_in_full(self) -> bool:
        """dbt gets --full-refresh: asked for (`wwc build --full-refresh`), or a refresh of a copy
        this dbt project did not build in full (another version of it, or a run of some of its
        models), whose incremental models would keep the rows outside their scope as they were
        (raw_loader `mark_refresh` and `forget_dbt_project` record a full build's scope)."""
        return self.full_refresh or (self.incremental and not self.same_dbt_project)

    @property
    def with_landing_files(self) -> bool:
        return self.earlier_landing_files > 0 or bool(self.staged)

    @property
    def rejected(self) -> list[Record]:
        return [record for record in self.refused if record.outcome == REJECTED]

    def left(self, what: str) -> str:
        """What a fault of no file left where it was: `what`, or, in a batch built one file at a
        time, whose earlier runs moved files, whatever the command had not moved yet."""
        if self.split:
            return "every new file this command had not yet moved to accepted or quarantine"
        return what

    def unchanged(self) -> str:
        """What a failed run says of the published warehouse: unchanged by it, but holding what
        an earlier run of the same command published (a batch built one file at a time)."""
        warehouse = self.settings.warehouse
        if self.published_earlier:
            return (
                f"The published warehouse {warehouse} holds the file(s) this command published "
                f"before ({', '.join(shown(name) for name in self.published_earlier)}) and was "
                "not changed since."
            )
        return f"The published warehouse {warehouse} was not changed."


def remove_build_copy(settings: Settings) -> None:
    shutil.rmtree(settings.build_dir, ignore_errors=True)


@contextmanager
def writing(settings: Settings) -> Iterator[None]:
    """The writer lock for a whole run; the build copy is removed at the end, whatever happened."""
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(settings.warehouse):
        try:
            yield
        finally:
            remove_build_copy(settings)


def _check_landing_folder(run: Run) -> None:
    """The landing folder may be none of the warehouse's own folders nor hold the warehouse
    (its files would be moved as landing files), and one given by WWC_LANDING must exist (a
    mistyped name would otherwise read as "nothing new" forever)."""
    settings = run.settings
    landing = settings.landing.resolve()
    own = {
        settings.data_dir: "the data folder",
        settings.accepted: "the accepted folder",
        settings.quarantine: "the quarantine folder",
        settings.gx_runtime: "the Great Expectations folder",
        settings.build_dir: "the build folder",
    }
    what = next((w for folder, w in own.items() if landing == folder.resolve()), None)
    if what is None and landing in settings.warehouse.resolve().parents:
        what = "a folder that holds the published warehouse"
    if what:
        raise BuildError(
            f"the landing folder {landing} is {what}; point WWC_LANDING at a folder of its "
            f"own. {run.left('every file').capitalize()} was left where it is. "
            f"{run.unchanged()}",
            nobodys=True,
        )
    if settings.landing_override and not landing.is_dir():
        raise BuildError(
            f"the landing folder {landing} (WWC_LANDING) does not exist; create it or correct "
            f"WWC_LANDING. {run.unchanged()}",
            nobodys=True,
        )


def check_folders(run: Run) -> None:
    """Faults that are no file's stop the run before any file moves: a wrong landing folder, a
    folder that cannot be written."""
    if not run.landing:
        return  # a build moves no landing file
    settings = run.settings
    _check_landing_folder(run)
    for folder in (settings.accepted, settings.quarantine, settings.landing):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f".wwc-write-check-{os.getpid()}"
            probe.touch()
            probe.unlink()
        except OSError as exc:
            raise BuildError(
                f"cannot write in {folder}: {exc.strerror}. "
                f"{run.left('every file').capitalize()} was left where it is. {run.unchanged()}",
                nobodys=True,
            ) from exc


def nobodys_error(run: Run, doing: str, reason: object, left: str = "every new file") -> BuildError:
    """A failure of the machine, not of a file (a full disk, a folder removed, Great
    Expectations that cannot start or write), in plain words (`reason`: the exception, or dbt's
    words), with what was `left` in landing (`Run.left`)."""
    in_landing = f": {run.left(left)} was left in landing for the next run" if run.landing else ""
    return BuildError(
        f"{doing}: {reason}. No file is to blame{in_landing}. {run.unchanged()}", nobodys=True
    )


@contextmanager
def nobodys_fault(run: Run, doing: str, left: str = "every new file") -> Iterator[None]:
    """Around work that judges no file (the build copy before any file moves, the landing
    checks themselves): what fails there is the machine's (`nobodys_error`)."""
    try:
        yield
    except (OSError, duckdb.Error, ValidationUnavailable) as exc:
        raise nobodys_error(run, doing, exc, left) from exc


def prepare(run: Run) -> None:
    """Stage 1. A refresh with new files and a current published file starts from a copy of it,
    so dbt's incremental models only touch what the files change; otherwise raw is assembled
    from the seeds and every accepted file. Nothing is prepared if there is nothing to do."""
    started = time.perf_counter()
    settings, say = run.settings, run.say
    check_folders(run)
    if run.landing:
        run.new_files, run.waiting = discover(settings.landing, settings.settle_seconds)
        if run.only is not None:  # the others stay in landing, for the runs that take them
            run.new_files = [file for file in run.new_files if file.name in run.only]
            run.waiting = [name for name in run.waiting if name in run.only]
        for name in run.waiting:
            say(f"Left for the next run (still being written or a temporary name): {shown(name)}")
    run.earlier_landing_files = len(accepted_files(settings.accepted))
    behind = run.landing and not run.full_build and settings.warehouse.is_file()
    if behind and not holds_current_raw(settings.warehouse, run.seeds.folder, settings.accepted):
        # A run stopped after storing accepted files and before its publish (or the seeds
        # changed): finish it with a full build, whether or not anything new arrived.
        say(
            "The published warehouse does not hold exactly the current seeds and accepted "
            f"files of {settings.accepted} (a run stopped before publishing, or the seeds "
            "changed): rebuilding in full"
        )
        run.full_build = True
    if not (run.new_files or run.full_build):
        return
    remove_build_copy(settings)  # left by a killed build
    settings.build_dir.mkdir(parents=True)
    refreshing = run.new_files and not run.full_build
    if refreshing and holds_current_raw(settings.warehouse, run.seeds.folder, settings.accepted):
        say(f"Refreshing incrementally, from a copy of {settings.warehouse}")
        fingerprint = dbt_runner.project_fingerprint()
        with nobodys_fault(run, f"could not copy {settings.warehouse} to build on"):
            copy_published(settings.warehouse, run.build_file)
            with duckdb.connect(str(run.build_file)) as con:
                run.same_dbt_project = mark_refresh(con, fingerprint)
        run.incremental = True
    else:
        say(f"Loading raw files from {run.seeds.folder} and {settings.accepted} into a build copy")
        # The storage version is fixed when the file is created: readers from DuckDB 1.4 on.
        config = {"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION}
        try:
            with duckdb.connect(str(run.build_file), config=config) as con:
                run.raw_counts = assemble_raw(
                    con,
                    run.seeds,
                    settings.accepted,
                    settings.quarantine,
                    dbt_runner.project_fingerprint(),
                )
        except RawFormatError as exc:
            raise BuildError(f"{exc}\n{run.unchanged()}") from exc
        except (OSError, duckdb.Error) as exc:
            if isinstance(exc, OSError) or is_duckdb_machine_fault(exc):
                doing = f"could not load raw into the build copy {run.build_file}"
                raise nobodys_error(run, doing, exc) from exc
            # Not the machine's, and no new file is in raw yet: the seeds or accepted files.
            raise BuildError(f"raw could not be loaded: {exc}. {run.unchanged()}") from exc
        for table, n in run.raw_counts.items():
            say(f"  raw.{table}: {n} rows from {run.seeds.folder / table}.csv")
        if run.earlier_landing_files:
            say(f"  and {run.earlier_landing_files} accepted landing file(s)")
    run.stages["prepare"] = time.perf_counter() - started


def check_landing(run: Run) -> bool:
    """Stage 2; True if there is something to build."""
    settings, say = run.settings, run.say
    if run.new_files:
        started = time.perf_counter()
        copies = settings.build_dir / "landing_copies"
        folders = (settings.accepted, settings.quarantine, copies)
        # What stops the checks themselves (Great Expectations cannot start or write, a full
        # disk, a folder gone) is no file's fault; a file's own failures are its reasons.
        with nobodys_fault(
            run, "the landing checks could not finish", "every file not yet quarantined"
        ):
            suites = open_suites(settings.expectations, settings.gx_runtime)  # fails closed
            # Room for this run's validations in the bounded Data Docs history.
            prune_history(settings.gx_runtime, [LANDING_SUITE], settings.data_docs_runs - 1)
            copies.mkdir(exist_ok=True)
            with duckdb.connect(str(run.build_file)) as con:
                intake = check_files(run.new_files, con, suites, folders, say)
                run.staged, run.refused = intake.staged, intake.refused
                run.waiting += intake.waiting
                staged = [record for _, record in run.staged]
                record_load_log(con, all_records(settings.accepted, settings.quarantine) + staged)
            suites.write_docs()
        run.stages["landing_checks"] = time.perf_counter() - started
    if run.full_build:
        return True
    if not run.new_files:
        say(f"Nothing new in {settings.landing}; the published warehouse is unchanged.")
        return False
    if not run.staged:
        say("No new file passed; the published warehouse is unchanged.")
        return False
    return True


# The column tests (not-null, relationships, accepted values) of the models that hold every
# criterion result (their columns' tag results_columns), which a refresh skips; their grain tests
# check the assessments the build wrote, so they run on every build.
RESULTS_COLUMN_TESTS = "tag:results_columns"
# What a refresh by the dbt project that built the published file leaves as it is: the unit
# tests (static inputs, and this project's SQL passed them when it built the file: dbt's advice
# is to run them in development and CI, not on every production build), and the models no
# landing file feeds (tag unchanged_by_landing) with the tests on them alone. Tests with another
# parent (an invariant joining the criteria to the new results) still run: dbt's "cautious"
# indirect selection excludes a test only when every model it reads is excluded.
UNCHANGED_BY_LANDING = "unchanged_by_landing"
SAME_PROJECT_SKIPS = ["resource_type:unit_test", f"tag:{UNCHANGED_BY_LANDING}"]


def build_every_model(run: Run) -> None:
    """For a dbt build that names the models it builds (a Dagster run of a subset of the
    assets, where dagster-dbt names them and no source): `dbt_args` skips nothing, as the
    cautious selection would drop every test that reads a source; the incremental models it
    names are rebuilt in full, as the scope they would read (int_cities_rewritten) may be left
    out; and the copy no longer claims that this project built all of its models, so the next
    refresh builds them all."""
    run.same_dbt_project = False
    with duckdb.connect(str(run.build_file)) as con:
        forget_dbt_project(con)


def dbt_args(run: Run) -> list[str]:
    """Stage 3's arguments. An incremental refresh skips `RESULTS_COLUMN_TESTS`: the landing
    suite checked the new rows' values, the not-null constraints hold on every insert, and the
    invariants check every rewritten result against the reported ones; every full build
    (nightly) runs them. The grain tests (on what the build wrote) and the invariants (singular
    tests) run on every build: a declared certification level that the criteria met do not earn
    passes every landing rule and fails only there. A refresh of a file this dbt project built
    also skips `SAME_PROJECT_SKIPS`."""
    run.say("Running dbt build (models, contracts, unit and data tests)")
    skip, selection = [], []
    if run.incremental and not run.rebuilds_in_full:
        run.say("Incremental refresh: skipping the column tests of every criterion result")
        skip.append(RESULTS_COLUMN_TESTS)
    if run.keeps_unchanged_models:
        run.say(
            "The published file was built by this dbt project: skipping the unit tests and "
            "the models no landing file feeds (tag unchanged_by_landing), kept as they are"
        )
        skip += SAME_PROJECT_SKIPS
        selection = ["--indirect-selection", "cautious"]
    args = dbt_runner.build_args(run.seeds, run.with_landing_files, run.say, skip) + selection
    if run.incremental and not run.same_dbt_project:
        run.say(
            "The published file was not built in full by this dbt project (another version of "
            "it, or a run of some of its models): rebuilding the incremental models in full"
        )
    if run.rebuilds_in_full:
        args.append("--full-refresh")
    return args + dbt_runner.build_copy_args(run.build_file, run.settings)


def dbt_finished(run: Run, exit_code: int, wall_seconds: float, target_dir: Path) -> None:
    """Stage 3's verdict, whoever ran dbt: a failed dbt build fails the build, on the data's
    account (the failing models and tests named) or on the machine's."""
    running = dbt_runner.run_seconds(target_dir)
    run.stages["dbt_startup_and_parse"] = max(wall_seconds - running, 0.0)
    run.stages["dbt_build"] = running
    if exit_code == 0:
        return
    verdict = dbt_runner.verdict(exit_code, target_dir, time.time() - wall_seconds - 1)
    if verdict.machine:
        passed = "every file that passed its checks"
        raise nobodys_error(run, "dbt build failed", verdict.machine, passed)
    raise BuildError(
        f"dbt build failed: {'; '.join(verdict.failed)}. {run.unchanged()}", verdict.failed
    )


def while_dbt_runs() -> None:
    """For the process that waits on dbt (the command line, Dagster's dbt asset): Great
    Expectations loads for stage 4 (a refresh has it already) and the picture report's renderer
    starts for stage 6, each on a thread, so that neither waits for them after dbt."""
    import_in_background()
    start_renderer()


def dbt_build(run: Run, dbt: dbt_runner.DbtAhead) -> None:
    """Stage 3 on the command line: dbt in the process started ahead (`_stages`), its output on
    the terminal. Judged before `dbt` lets go of the target folder's lock: another warehouse's
    build with this target folder would overwrite its run_results.json."""
    args = dbt_args(run)
    while_dbt_runs()
    started = time.perf_counter()
    code = dbt.build(args, run.build_file)
    dbt_finished(run, code, time.perf_counter() - started, run.settings.dbt_target)


def gates(run: Run) -> None:
    """Stage 4: every mart suite, once per run (Dagster's checks and its publish step share the
    verdict). A suite that cannot run blocks the build like one that fails."""
    if run.gate_problems is None:
        run.say("Validating the marts with Great Expectations")
        started = time.perf_counter()
        settings = run.settings
        try:
            suites = open_suites(settings.expectations, settings.gx_runtime)
            prune_history(settings.gx_runtime, MART_FRAMES, settings.data_docs_runs - 1)
            found = validate_marts(suites, run.build_file)
            run.data_docs = suites.write_docs()
        except ValidationUnavailable as exc:
            # No verdict (Dagster's checks and the publish step read gate_problems): fail closed,
            # and no file is to blame for suites that could not run.
            doing, passed = "the marts could not be validated", "every file that passed its checks"
            raise nobodys_error(run, doing, exc, passed) from exc
        run.gate_problems = found
        run.stages["quality_gates"] = time.perf_counter() - started
    problems = [problem for found in run.gate_problems.values() for problem in found]
    if problems:
        raise BuildError(
            "the marts failed their Great Expectations suites:\n  "
            + "\n  ".join(problems)
            + f"\n{run.unchanged()}",
            tuple(f"Great Expectations: {problem}" for problem in problems),
        )


def publish(run: Run, go_ahead: Callable[[], None] = lambda: None) -> tuple[str, dict[str, int]]:
    """Stage 5, only after the gates passed: check the file, store the batch's landing files
    as accepted, rename the copy over the published file. Returns the storage version and the
    rows of every public relation. go_ahead is called just before the first file moves and may
    raise to stop there (a terminated Dagster run: orchestration/termination.py).

    Files move to accepted/ just before the rename: if the process dies in between, the next
    build replays them, so nothing is lost and nothing is loaded twice.
    """
    gates(run)
    started = time.perf_counter()
    try:
        sizes = compact(run.build_file)
        if sizes:
            run.say(
                f"Compacted the build file from {sizes[0] / 2**20:.1f} to "
                f"{sizes[1] / 2**20:.1f} MiB (the blocks the refresh replaced)"
            )
        storage, rows = inspect_build(run.build_file)
        go_ahead()
        for file, record in run.staged:
            if not store_accepted(file, record, run.settings.accepted):
                run.say(
                    f"{file.shown} changed after it was read: the version checked is loaded, "
                    "the new one stays in landing for the next run"
                )
                run.waiting.append(file.name)
            run.accepted.append(record)
        swap_in(run.build_file, run.settings.warehouse, run.say)
    except (PublishError, FolderUnavailable) as exc:  # the machine's, not a file's
        raise nobodys_error(run, "could not publish", exc, "every new file not yet stored") from exc
    run.staged = []
    run.stages["publish"] = time.perf_counter() - started
    return storage, rows


def outputs(run: Run, storage: str, rows: dict[str, int]) -> BuildResult:
    """Stage 6: the files derived from the published warehouse (read-only, after the rename)."""
    started = time.perf_counter()
    written = write_outputs(run.settings.warehouse, run.say)
    run.stages["outputs"] = time.perf_counter() - started
    run.result = BuildResult(
        published=run.settings.warehouse,
        storage_version=storage,
        rows=rows,
        data_docs=run.data_docs or data_docs_index(run.settings.gx_runtime),
        seconds=time.perf_counter() - run.started,
        report=written.report,
        parquet=written.parquet,
        stages=dict(run.stages),
    )
    return run.result


class BatchFailed(BuildError):
    """The data failed the build with several new files in it (`names`): none is blamed yet,
    all are still in landing, and `run_stages` builds each on its own."""

    def __init__(self, error: BuildError, names: list[str]):
        super().__init__(str(error), error.failed)
        self.names = names


def _blame(run: Run, file: LandingFile, record: Record, error: BuildError) -> None:
    """The build failed on the data's account with this one new file in it: what failed is the
    file's reason."""
    failed = list(error.failed[:5])
    if len(error.failed) > 5:
        failed.append(f"and {len(error.failed) - 5} more")
    record.outcome = REJECTED
    record.reasons = [
        "passed the landing checks, but the warehouse cannot be built with it: " + "; ".join(failed)
    ]
    target = quarantine(file, record, run.settings.quarantine)
    run.refused.append(record)
    run.say(f"Quarantined {file.shown} -> {target}")


@contextmanager
def quarantine_on_failure(run: Run) -> Iterator[None]:
    """Around stages 3-5. A BuildError with one new file in the build, on the data's account,
    quarantines that file; with several it becomes BatchFailed; a fault of no file leaves them
    all in landing (nothing has moved them yet: they move at publish)."""
    try:
        yield
    except BuildError as exc:
        staged, run.staged = run.staged, []
        if exc.nobodys or not staged:
            raise
        if len(staged) > 1:
            raise BatchFailed(exc, [file.name for file, _ in staged]) from exc
        _blame(run, *staged[0], exc)
        raise


def prepare_with_dbt_ahead(run: Run, dbt: dbt_runner.DbtAhead) -> None:
    """Stage 1 while dbt, started ahead, parses on the other core: from the start for a full
    build, as soon as there are new files to check for a refresh (told nothing to build, it
    stops)."""
    if run.full_build:
        dbt.parse(run.build_file)
    prepare(run)
    if run.new_files:
        dbt.parse(run.build_file)


def _stages(run: Run) -> None:
    with dbt_runner.DbtAhead(run.settings) as dbt:
        prepare_with_dbt_ahead(run, dbt)
        if not check_landing(run):
            return
        with quarantine_on_failure(run):
            dbt_build(run, dbt)
    with quarantine_on_failure(run):
        gates(run)
        storage, rows = publish(run)
    outputs(run, storage, rows)


def _one_at_a_time(run: Run, failure: BatchFailed) -> None:
    """The batch failed the build: build with each of its files on its own, in name order (as
    they were found), on top of what the previous ones published. A file that fails alone is
    the one to blame (quarantined, what failed named); the innocent ones load. A fault of no
    file stops it with the rest left in landing, saying which files it had published. Each file
    is read again, once, by its own run."""
    run.say(
        f"The build failed with {len(failure.names)} new files in it "
        f"({'; '.join(failure.failed[:3])}): building with each on its own to find the one "
        "to blame"
    )
    last_error: BuildError | None = None
    for at, name in enumerate(failure.names):
        alone = Run(
            run.settings,
            run.seeds,
            run.say,
            only=frozenset({name}),
            split=True,
            published_earlier=tuple(record.original_name for record in run.accepted),
        )
        try:
            _stages(alone)
        except BuildError as exc:
            if exc.nobodys:  # this file and the ones after it wait in landing
                run.waiting += [left for left in failure.names[at:] if left not in run.waiting]
                raise
            last_error = exc
        finally:
            run.refused += alone.refused
            run.accepted += alone.accepted
            run.waiting += [left for left in alone.waiting if left not in run.waiting]
            run.result = alone.result or run.result
    if run.result is None and last_error is not None:
        raise last_error  # nothing could be published: the run fails as a whole


def run_stages(run: Run) -> Run:
    """Every stage in order, under the writer lock: what `wwc build` and `wwc refresh` run."""
    with writing(run.settings):
        try:
            _stages(run)
        except BatchFailed as failure:
            _one_at_a_time(run, failure)
    return run
