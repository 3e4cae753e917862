"""The run launcher of `orchestration/dagster.yaml`: each run in its own process, as with
Dagster's default launcher, but forked from a process that has the libraries a run needs
already loaded, instead of a new interpreter that imports them again.

Dagster's default launcher asks the code server to start a fresh Python for every run, which
imports Dagster, dagster-dbt and, in the landing step, Great Expectations: about 4 s of every
run at x1, before it does any work. Here the daemon keeps one `multiprocessing` fork server
that imported them once (`preload`), and every run is a fork of it that runs
`dagster api execute_run`'s body, the entry point of Dagster's own run workers. The project's
modules are not preloaded: each run imports them (0.5 s), so a run always executes the code on
disk, as a new process would. dbt still runs as a subprocess of the run (dagster-dbt).

Termination sends the run worker SIGINT, which Dagster's run worker turns into a cancelled run,
as the default launcher's termination request does; the worker's pid is a tag of the run, so
the webserver, which did not launch the run, can stop it too."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
from dagster._cli.api import _execute_run_command_body
from dagster._core.instance.ref import InstanceRef
from dagster._core.launcher import LaunchRunContext, RunLauncher
from dagster._serdes import ConfigurableClass, ConfigurableClassData
from dagster._utils.interrupts import capture_interrupts

PID_TAG = "wwc/run_worker_pid"
PRELOAD = ["dagster", "dagster_dbt", "great_expectations", "duckdb", "pandas"]


def _run_worker(instance_ref: str, run_id: str) -> None:
    """In the forked process: what `dagster api execute_run` does for one run (the instance
    reference serialized as Dagster passes it to its run workers)."""
    ref = dg.deserialize_value(instance_ref, InstanceRef)
    with capture_interrupts(), dg.DagsterInstance.from_ref(ref) as instance:
        _execute_run_command_body(run_id, instance, lambda _: None, set_exit_code_on_failure=False)


class PreloadedRunLauncher(RunLauncher, ConfigurableClass):
    """Launches each run as a fork of a process that imported `preload` once."""

    def __init__(
        self, preload: Sequence[str] = PRELOAD, inst_data: ConfigurableClassData | None = None
    ) -> None:
        self._preload = list(preload)
        self._inst_data = inst_data
        self._workers: dict[str, multiprocessing.process.BaseProcess] = {}
        super().__init__()

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {"preload": dg.Field([str], is_required=False, default_value=PRELOAD)}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData, config_value: Mapping[str, Any]
    ) -> PreloadedRunLauncher:
        return cls(preload=config_value["preload"], inst_data=inst_data)

    def _context(self) -> multiprocessing.context.ForkServerContext:
        # The fork server starts at the first launch (not in the webserver, which never launches
        # with the queued run coordinator) and stops when the daemon does.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(self._preload)
        return context

    def launch_run(self, context: LaunchRunContext) -> None:
        run = context.dagster_run
        # Let go of the workers of finished runs.
        self._workers = {key: w for key, w in self._workers.items() if w.is_alive()}
        worker = self._context().Process(
            target=_run_worker,
            args=(dg.serialize_value(self._instance.get_ref()), run.run_id),
            name=f"dagster-run-{run.run_id}",
        )
        worker.start()
        self._workers[run.run_id] = worker
        self._instance.add_run_tags(run.run_id, {PID_TAG: str(worker.pid)})

    def terminate(self, run_id: str) -> bool:
        run = self._instance.get_run_by_id(run_id)
        if not run or run.is_finished or PID_TAG not in run.tags:
            return False
        self._instance.report_run_canceling(run)
        try:
            os.kill(int(run.tags[PID_TAG]), signal.SIGINT)
        except ProcessLookupError:
            return False
        return True

    def join(self, timeout: int = 30) -> None:
        for worker in self._workers.values():
            worker.join(timeout)
