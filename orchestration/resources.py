"""Resources: dbt, and the warehouse writer that holds one run of the pipeline's stages."""

from __future__ import annotations

import importlib.metadata
import time
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from wwc.dbt_runner import DbtAhead, dbt_executable
from wwc.pipeline import Run, Say, writing
from wwc.seeds_manifest import Seeds
from wwc.settings import SEEDS_DIR, Settings


class Writer:
    """One Dagster run of the pipeline: the writer lock (taken when the run starts), the
    pipeline's `Run`, which its steps hand on to each other, and dbt started ahead for it."""

    def __init__(self, settings: Settings, seeds_dir: Path) -> None:
        self.settings = settings
        self.seeds_dir = seeds_dir
        self.started = time.perf_counter()
        self._run: Run | None = None
        # dbt starts with the run (or with its worker process, orchestration/run_launcher.py):
        # it imports while the run loads and the first step checks the files, parses as soon as
        # there is something to build, and then serves the dbt step's `dbt` command.
        self._dbt = DbtAhead.for_dagster_run(settings)

    def start(self, say: Say, full_build: bool, only: frozenset[str]) -> tuple[Run, DbtAhead]:
        """The first step's: a new Run taking the new landing files `only` names, for the rest
        of this Dagster run, and the run's dbt (for `prepare_with_dbt_ahead`)."""
        seeds = Seeds.at(self.seeds_dir)
        self._run = Run(
            self.settings, seeds, say, full_build=full_build, only=only, started=self.started
        )
        return self._run, self._dbt

    def run(self, say: Say) -> Run:
        """A later step's: the Run the first step started, logging to this step."""
        if self._run is None:
            raise dg.Failure("the landing_ingest step did not prepare a build copy in this run")
        self._run.say = say
        return self._run

    def dbt(self) -> DbtAhead:
        """The dbt step's: the run's dbt, which the first step told to parse."""
        return self._dbt

    def close(self) -> None:
        """At the end of the run: dbt's process stopped (or its parse finished)."""
        self._dbt.close()


def warehouse_writer(settings: Settings, seeds_dir: Path = SEEDS_DIR) -> dg.ResourceDefinition:
    """Holds the writer lock from the first step of a run to the last, and removes the build
    copy at the end, as `wwc build`/`wwc refresh` do (`pipeline.writing`). Jobs that use it run
    in one process (in_process_executor), so the lock also keeps the command line out."""

    @dg.resource(description="The writer lock and the pipeline run shared by a run's steps")
    def writer(_: dg.InitResourceContext) -> Iterator[Writer]:
        with writing(settings):
            writer = Writer(settings, seeds_dir)
            try:
                yield writer
            finally:
                writer.close()

    return writer


class WwcDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt resource without two start-up costs of every run that these assets do
    not need (about 3 s of a run at x1): asking the dbt executable for its version in a
    subprocess that imports dbt (the executable is this environment's dbt-core, whose version
    the package metadata gives), and a dbt adapter in the run worker, which dagster-dbt uses
    only to fetch column metadata and row counts, which these assets never ask for. Both
    override private members of dagster-dbt, pinned exactly in pyproject.toml for that reason;
    tests/test_orchestration.py runs the job in process and under the real daemon."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def dbt_resource(project: DbtProject) -> DbtCliResource:
    # The dbt of this environment, found whether or not the venv is on PATH. (The dbt step runs
    # a copy of it whose executable hands the build to the dbt the run started ahead.)
    return WwcDbtCliResource(project_dir=project, dbt_executable=dbt_executable())
