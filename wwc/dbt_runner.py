"""Run dbt as a subprocess of the same environment, streaming its progress to the terminal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from wwc.settings import PROJECT_ROOT


def dbt_executable() -> str:
    beside_python = Path(sys.executable).with_name("dbt")
    return str(beside_python) if beside_python.exists() else (shutil.which("dbt") or "dbt")


def run_dbt(args: list[str], database_file: Path | None = None, target: str | None = None) -> int:
    """Run `dbt <args>` against database_file (DuckDB) or another target of profiles.yml
    (`postgres`, `spark`); return dbt's exit code.

    Another target keeps its own target folder (`target/<name>`), so its manifest and partial
    parse never replace the DuckDB ones Dagster reads from `target/`."""
    env = dict(os.environ)
    if database_file is not None:
        env["WWC_BUILD_FILE"] = str(database_file)
    env.setdefault("DO_NOT_TRACK", "1")
    if not sys.stdout.isatty():
        env.setdefault("DBT_USE_COLORS", "false")
    command = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(PROJECT_ROOT),
    ]
    if target:
        command += ["--target", target, "--target-path", str(PROJECT_ROOT / "target" / target)]
    return subprocess.run(command, env=env, cwd=PROJECT_ROOT, check=False).returncode


def dbt_run_seconds() -> float:
    """Execution time of the last dbt run (run_results.json), without start-up and parsing."""
    try:
        results = json.loads((PROJECT_ROOT / "target" / "run_results.json").read_text())
    except (OSError, ValueError):
        return 0.0
    return float(results.get("elapsed_time") or 0.0)
