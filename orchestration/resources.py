"""Resources: dbt, and the warehouse writer that holds one run of the pipeline's stages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.project import wwc_dbt_project
from wwc.dbt_runner import dbt_executable
from wwc.pipeline import Run, Say, writing
from wwc.seeds_manifest import Seeds
from wwc.settings import SEEDS_DIR, Settings


class Writer:
    """One Dagster run of the pipeline: the writer lock (taken when the run starts) and the
    pipeline's `Run`, which its steps hand on to each other."""

    def __init__(self, settings: Settings, seeds_dir: Path) -> None:
        self.settings = settings
        self.seeds_dir = seeds_dir
        self.started = time.perf_counter()
        self._run: Run | None = None

    def start(self, say: Say, full_build: bool, only: frozenset[str]) -> Run:
        """The first step's: a new Run taking the new landing files `only` names, for the rest
        of this Dagster run."""
        seeds = Seeds.at(self.seeds_dir)
        self._run = Run(
            self.settings, seeds, say, full_build=full_build, only=only, started=self.started
        )
        return self._run

    def run(self, say: Say) -> Run:
        """A later step's: the Run the first step started, logging to this step."""
        if self._run is None:
            raise dg.Failure("the landing_ingest step did not prepare a build copy in this run")
        self._run.say = say
        return self._run


def warehouse_writer(settings: Settings, seeds_dir: Path = SEEDS_DIR) -> dg.ResourceDefinition:
    """Holds the writer lock from the first step of a run to the last, and removes the build
    copy at the end, as `wwc build`/`wwc refresh` do (`pipeline.writing`). Jobs that use it run
    in one process (in_process_executor), so the lock also keeps the command line out."""

    @dg.resource(description="The writer lock and the pipeline run shared by a run's steps")
    def writer(_: dg.InitResourceContext) -> Iterator[Writer]:
        with writing(settings):
            yield Writer(settings, seeds_dir)

    return writer


def dbt_resource() -> DbtCliResource:
    # The dbt of this environment, found whether or not the venv is on PATH.
    return DbtCliResource(project_dir=wwc_dbt_project, dbt_executable=dbt_executable())
