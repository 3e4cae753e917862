"""The run launcher of `orchestration/dagster.yaml`: each run in its own process, as with
Dagster's default launcher, but forked from a process that has the libraries a run needs
already loaded, instead of a new interpreter that imports them again.

Dagster's default launcher asks the code server to start a fresh Python for every run, which
imports Dagster, dagster-dbt and, in the landing step, Great Expectations: about 4 s of every
run at x1, before it does any work. Here the daemon keeps one `multiprocessing` fork server
that imported them once (`preload`), and every run is a fork of it that executes the run as
Dagster's run-worker command (`dagster api execute_run`) does. The project's modules are not
preloaded: each run imports them (0.5 s), so a run always executes the code on disk, as a new
process would. dbt runs in a process of its own, which the worker starts first thing
(`DbtAhead.started_for_dagster_run`): it imports dbt on the other core while the run loads its
code and initializes its resources, about a second earlier than the writer resource could.

The worker is known by its pid and start time (the run's tag `wwc/run_worker`, which the worker
writes itself before the run starts), so that a pid the system gave to another process since is
never taken for it. It leads a process group of its own, with the dbt it starts:
- termination (from the UI, in the webserver, which did not launch the run) sends the worker
  SIGINT, which Dagster's run worker turns into a cancelled run;
- run monitoring (`run_monitoring` in dagster.yaml) asks whether the worker is alive; a run
  whose worker died without ending it (killed, out of memory) is failed, so that it no longer
  holds the one writer slot of the run queue, and what is left of its group (dbt) is killed
  first, so that it cannot write beside the next run."""

from __future__ import annotations

import contextlib
import importlib.util
import multiprocessing
import os
import signal
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._cli.api import _execute_run_command_body
from dagster._core.instance.ref import InstanceRef
from dagster._core.launcher import (
    CheckRunHealthResult,
    LaunchRunContext,
    RunLauncher,
    WorkerStatus,
)
from dagster._serdes import ConfigurableClass, ConfigurableClassData
from dagster._utils.interrupts import capture_interrupts

from wwc.dbt_runner import DbtAhead
from wwc.settings import Settings

WORKER_TAG = "wwc/run_worker"  # "<pid>/<start time in clock ticks since boot>"
PRELOAD = ["dagster", "dagster_dbt", "great_expectations", "duckdb", "pandas"]


def _run_worker(instance_ref: str, run_id: str) -> None:
    """In the forked process: start the run's dbt, tag the run with this worker, then what
    `dagster api execute_run` does for one run (the instance reference serialized as Dagster
    passes it to its workers)."""
    os.setsid()  # a process group of its own: the worker and the dbt it starts
    ref = dg.deserialize_value(instance_ref, InstanceRef)
    with (
        DbtAhead.started_for_dagster_run(Settings.from_env),
        capture_interrupts(),
        dg.DagsterInstance.from_ref(ref) as instance,
    ):
        # Written here, before the run is marked started, and not by the launcher: two
        # processes updating one run can each overwrite the other's change.
        instance.add_run_tags(run_id, {WORKER_TAG: _identity(os.getpid()) or ""})
        _execute_run_command_body(run_id, instance, lambda _: None, set_exit_code_on_failure=False)


def _identity(pid: int) -> str | None:
    """`<pid>/<start time>` of a live process (Linux /proc), None if there is none or it has
    exited (a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The fields after the command name (which may hold spaces), in parentheses: the state is
    # field 3 of proc(5), the start time field 22.
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else f"{pid}/{fields[19]}"


def _worker(run: dg.DagsterRun) -> tuple[int, bool] | None:
    """The run's worker pid and whether it is alive; None for a run no worker of this launcher
    tagged (run in process, or by another launcher)."""
    tag = run.tags.get(WORKER_TAG, "")
    pid = tag.split("/")[0]
    if not pid.isdigit():
        return None
    return int(pid), _identity(int(pid)) == tag


def _kill_leftovers(pid: int) -> None:
    """Kill what is left of a dead worker's process group (the dbt it started). Linux gives no
    new process a pid still in use as a group's id, so the group is the worker's."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


class PreloadedRunLauncher(RunLauncher, ConfigurableClass):
    """Launches each run as a fork of a process that imported `preload` once."""

    def __init__(
        self, preload: Sequence[str] = PRELOAD, inst_data: ConfigurableClassData | None = None
    ) -> None:
        # The fork server skips a module it cannot import without a word: say it here.
        missing = [name for name in preload if importlib.util.find_spec(name) is None]
        if missing:
            raise ValueError(f"run_launcher preload: no module named {', '.join(missing)}")
        self._preload = list(preload)
        self._inst_data = inst_data
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

    def launch_run(self, context: LaunchRunContext) -> None:
        run = context.dagster_run
        # The fork server starts at the first launch, in the daemon (the webserver never
        # launches: the run coordinator queues), and stops when the daemon does.
        fork_server = multiprocessing.get_context("forkserver")
        fork_server.set_forkserver_preload(self._preload)
        multiprocessing.active_children()  # let go of the workers of finished runs
        worker = fork_server.Process(
            target=_run_worker,
            args=(dg.serialize_value(self._instance.get_ref()), run.run_id),
            name=f"dagster-run-{run.run_id}",
        )
        # A worker that dies before its run starts: run monitoring's start timeout fails it.
        worker.start()

    def terminate(self, run_id: str) -> bool:
        run = self._instance.get_run_by_id(run_id)
        worker = _worker(run) if run and not run.is_finished else None
        if not worker:
            return False
        pid, alive = worker
        if alive:
            self._instance.report_run_canceling(run)
            try:
                os.kill(pid, signal.SIGINT)
                return True
            except ProcessLookupError:
                pass  # it exited meanwhile
        _kill_leftovers(pid)
        self._instance.report_run_canceled(run, message="Its run worker was not running.")
        return True

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        worker = _worker(run)
        if worker is None:  # not started by this launcher: not this launcher's to judge
            return CheckRunHealthResult(WorkerStatus.RUNNING, "no worker of this launcher")
        pid, alive = worker
        if alive:
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        _kill_leftovers(pid)
        return CheckRunHealthResult(
            WorkerStatus.FAILED, f"the run worker ({run.tags[WORKER_TAG]}) is not running"
        )
