"""`wwc dagster`: the Dagster UI and daemon on 127.0.0.1, started and stopped by process id.

Not `dagster dev`: it ignores SIGTERM and SIGINT from a non-interactive shell, so nothing but
a terminal's Ctrl-C stops it. Here the webserver and the daemon are children of this process,
which stops both on SIGINT or SIGTERM; its pid is kept in DAGSTER_HOME/wwc-dagster.pid.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from wwc.dbt_runner import parse_manifest
from wwc.pipeline import BuildResult
from wwc.settings import PROJECT_ROOT, Settings

INSTANCE_SETTINGS = PROJECT_ROOT / "orchestration" / "dagster.yaml"
DEFINITIONS = ["-m", "orchestration.definitions"]


def _pid_file(settings: Settings) -> Path:
    return settings.dagster_home / "wwc-dagster.pid"


def init_instance(home: Path) -> None:
    """Create the instance's SQLite storages once, before the webserver (or code server) and the
    daemon start: started together on a fresh DAGSTER_HOME, both create the schedule storage and
    can stamp two alembic heads, after which no queued run ever launches."""
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home)):
        pass


def prepare(settings: Settings) -> Path:
    """DAGSTER_HOME with the project's instance settings and storages, and the dbt manifest
    parsed ahead (for the run's build copy, so the first run can parse partially)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(INSTANCE_SETTINGS, home / "dagster.yaml")
    init_instance(home)
    if parse_manifest(settings.build_file, settings) != 0:
        raise RuntimeError("dbt parse failed; the Dagster definitions need its manifest")
    return home


def record_publish(settings: Settings, result: BuildResult, command: str) -> bool:
    """After `wwc build` or `wwc refresh` published, record it in the Dagster instance (if one
    was prepared in DAGSTER_HOME) as a materialization of every asset, so the UI shows when the
    warehouse was last built, and by what, instead of "Never materialized". Returns whether it
    recorded. Imported here: only a machine running Dagster pays for loading its definitions."""
    if not (settings.dagster_home / "dagster.yaml").is_file():
        return False
    import dagster as dg

    from orchestration.definitions import build_definitions

    metadata = {
        "recorded_by": command,
        "path": dg.MetadataValue.path(str(result.published)),
        "storage_version": result.storage_version,
        "seconds": dg.MetadataValue.float(result.seconds),
    }
    keys = build_definitions(settings).resolve_all_asset_keys()
    with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        for key in keys:
            instance.report_runless_asset_event(
                dg.AssetMaterialization(
                    asset_key=key,
                    description=f"Built and published by `{command}`, outside Dagster",
                    metadata=metadata,
                )
            )
    return True


def serve(settings: Settings, port: int) -> int:
    home = prepare(settings)
    bin_dir = Path(sys.executable).parent
    # The children read the same settings from this environment (Settings.from_env).
    path = str(bin_dir) + os.pathsep + os.environ.get("PATH", "")
    env = dict(os.environ, DAGSTER_HOME=str(home), DO_NOT_TRACK="1", PATH=path)
    children = [
        subprocess.Popen(
            [str(bin_dir / "dagster-webserver"), *DEFINITIONS, "-h", "127.0.0.1", "-p", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
        ),
        subprocess.Popen(
            [str(bin_dir / "dagster-daemon"), "run", *DEFINITIONS], cwd=PROJECT_ROOT, env=env
        ),
    ]
    _pid_file(settings).write_text(f"{os.getpid()}\n")
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"DAGSTER_HOME={home}")
    print(
        f"Dagster UI on http://127.0.0.1:{port}, daemon running (wwc dagster pid "
        f"{os.getpid()}). Stop: Ctrl-C, or `wwc dagster --stop` from another shell.",
        flush=True,
    )
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
        _pid_file(settings).unlink(missing_ok=True)
    failed = [c.args[0] for c in children if c.returncode not in (0, -signal.SIGTERM)]
    print("Dagster stopped." if stopping else f"Dagster process exited: {failed}", flush=True)
    return 0 if stopping else 1


def stop(settings: Settings) -> int:
    """Stop a `wwc dagster` started for this data folder (SIGTERM to the pid it recorded)."""
    pid_file = _pid_file(settings)
    if not pid_file.is_file():
        print(f"No wwc dagster is running for {settings.dagster_home}.")
        return 0
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pid_file.unlink(missing_ok=True)
        print(f"Process {pid} was not running; removed its pid file.")
        return 0
    for _ in range(120):
        if not pid_file.exists():
            print(f"Stopped wwc dagster (pid {pid}).")
            return 0
        time.sleep(0.5)
    print(f"wwc dagster (pid {pid}) did not stop within 60 s", file=sys.stderr)
    return 1
