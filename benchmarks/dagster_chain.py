"""Landing to queryable under Dagster, stage by stage, with the real daemon and code server.

A warehouse at x1 is built with `wwc build`; then `dagster code-server` and `dagster-daemon`
run with the project's default sensor interval and settle time, and one landing file after
another is dropped (written under a temporary name, then renamed, as a copy tool would), each
after a wait drawn at random (seeded) from the daemon's 5 s sensor loop: a file meets the loop
at any point of it, as real ones do, and not at a point that the previous run's length set. For
each file: the seconds from the rename to the sensor's run request (the run's creation), to
the run's start (queue and launch), to the start of the dbt step, dbt itself, and from its end
until a separate reader sees the new assessment in the published file (gates and publish).
The stages come from the run's event log in the Dagster instance; the dbt step is also split
into dbt's own build (its run_results.json) and the rest of the step.

Usage: python benchmarks/dagster_chain.py [--files 3] [--out benchmarks/results_dagster.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.run import _one_assessment_file
from wwc.settings import PROJECT_ROOT, SEEDS_DIR, Settings

BIN = Path(sys.executable).parent
STAGES = ("pickup", "queue and launch", "to dbt step", "dbt step", "gates and publish")
# Within the dbt step: dbt's own build (run_results.json), and the rest of the step (waiting for
# the dbt process started with the run, dagster-dbt's own work and its events).
DBT_STEP_PARTS = ("dbt step: dbt's build", "dbt step: the rest")
# How often Dagster's sensor daemon looks at the sensors (MIN_INTERVAL_LOOP_TIME in
# dagster/_daemon/sensor.py): a new file waits for the next look.
SENSOR_LOOP_SECONDS = 5.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _assessments(warehouse: Path) -> int | None:
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute("select count(*) from marts.fct_assessments").fetchone()[0]
    except duckdb.Error:  # being swapped in
        return None


def _stages(instance, run_id: str, dropped: float, queryable: float) -> dict[str, float]:
    """The run's stages from its record and event log (timestamps in seconds)."""
    import dagster as dg

    record = instance.get_run_records(dg.RunsFilter(run_ids=[run_id]))[0]
    events = [e for e in instance.all_logs(run_id) if e.dagster_event is not None]

    def first(kind: dg.DagsterEventType, step_part: str | None = None) -> float:
        return min(
            e.timestamp
            for e in events
            if e.dagster_event.event_type == kind
            and (step_part is None or step_part in (e.step_key or ""))
        )

    kinds = dg.DagsterEventType
    created = record.create_timestamp.timestamp()
    started = first(kinds.RUN_START)
    dbt_start = first(kinds.STEP_START, "dbt")
    dbt_end = first(kinds.STEP_SUCCESS, "dbt")
    return {
        "pickup": created - dropped,
        "queue and launch": started - created,
        "to dbt step": dbt_start - started,
        "dbt step": dbt_end - dbt_start,
        "gates and publish": queryable - dbt_end,  # until a reader sees the new assessment
        "total": queryable - dropped,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results_dagster.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wwc-dagster-bench-") as tmp:
        root = Path(tmp)
        warehouse = root / "data" / "wwc.duckdb"
        env = dict(os.environ, WWC_WAREHOUSE=str(warehouse))
        for name in ("WWC_SENSOR_INTERVAL_SECONDS", "WWC_LANDING_SETTLE_SECONDS"):
            env.pop(name, None)  # the project's defaults
        settings = Settings.from_env(env)
        env["DAGSTER_HOME"] = os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
        print("Building the warehouse at x1", flush=True)
        subprocess.run([str(BIN / "wwc"), "build"], env=env, check=True, capture_output=True)
        from wwc.dagster_service import prepare

        prepare(settings)  # DAGSTER_HOME and the dbt manifest, as `wwc dagster` does
        port = _free_port()
        workspace = root / "workspace.yaml"
        workspace.write_text(
            f"load_from:\n  - grpc_server:\n      host: 127.0.0.1\n      port: {port}\n"
            "      location_name: wwc\n"
        )
        commands = {
            "code_server": [str(BIN / "dagster"), "code-server", "start", "-m",
                            "orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)],
            "daemon": [str(BIN / "dagster-daemon"), "run", "-w", str(workspace)],
        }  # fmt: skip
        logs = {name: (root / f"{name}.log").open("w") for name in commands}
        # Each in a session of its own, stopped with its children (the code server's gRPC
        # worker) at the end.
        processes = [
            subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=logs[name],
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            for name, command in commands.items()
        ]
        import dagster as dg

        results = []
        try:
            time.sleep(20)  # the code server loads the definitions; the daemon's first ticks
            landing = settings.landing
            landing.mkdir(parents=True, exist_ok=True)
            with dg.DagsterInstance.get() as instance:
                arrivals = random.Random(15)
                for n in range(args.files):
                    time.sleep(arrivals.uniform(0, SENSOR_LOOP_SECONDS))
                    expected = (_assessments(warehouse) or 0) + 1
                    staged = landing / f".bench_{n}.csv.part"
                    _one_assessment_file(staged, SEEDS_DIR, n)
                    dropped = time.time()
                    staged.rename(landing / f"bench_{n}.csv")
                    deadline = time.monotonic() + 300
                    while _assessments(warehouse) != expected:
                        if time.monotonic() > deadline:
                            raise RuntimeError(f"file {n} not queryable after 300 s; see {root}")
                        time.sleep(0.1)
                    queryable = time.time()
                    run_id = instance.get_run_records(limit=1)[0].dagster_run.run_id
                    while not instance.get_run_by_id(run_id).is_finished:
                        time.sleep(0.2)  # its last events are written after the publish
                    stages = _stages(instance, run_id, dropped, queryable)
                    run_results = settings.dagster_dbt_target / "run_results.json"
                    build = json.loads(run_results.read_text())["elapsed_time"]
                    stages[DBT_STEP_PARTS[0]] = build
                    stages[DBT_STEP_PARTS[1]] = stages["dbt step"] - build
                    print(
                        f"  file {n + 1}: "
                        + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()),
                        flush=True,
                    )
                    results.append(stages)
        finally:
            for process in processes:
                os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:  # the code server can sit on SIGTERM
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        medians = {
            k: statistics.median(r[k] for r in results) for k in (*STAGES, "total", *DBT_STEP_PARTS)
        }
    report = {"settings": {"sensor_interval_seconds": settings.sensor_interval_seconds,
                           "settle_seconds": settings.settle_seconds},
              "runs": results, "median": medians}  # fmt: skip
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print("| stage | median s |\n|---|---|")
    for stage, seconds in medians.items():
        print(f"| {stage} | {seconds:.1f} |")
    print(f"Written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
