"""Style held by tools, so that the suite (and CI) fails on it: ruff for the Python (its settings
in pyproject.toml), sqlfluff for the SQL of models/ and tests/ (.sqlfluff: the dbt templater on
the DuckDB target). Each test fails with the tool's own report; `ruff format .` and
`sqlfluff fix models tests` repair most of what they find."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support.commands import PROJECT_ROOT

BIN = Path(sys.executable).parent
# dbt's model-paths and test-paths (dbt_project.yml); .sqlfluffignore leaves the rest alone.
SQL_PATHS = ["models", "tests"]


def run(command: list[str], env: dict[str, str] | None = None, timeout: float = 120) -> str:
    """Runs a tool from the project's environment in the project root; fails with its output."""
    done = subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"`{' '.join(command)}` failed:\n{output}"
    return output


def test_python_passes_ruff_check() -> None:
    run(["ruff", "check", "--no-cache", "."])


def test_python_is_ruff_formatted() -> None:
    run(["ruff", "format", "--check", "--no-cache", "."])


def test_sql_passes_sqlfluff_lint(tmp_path: Path) -> None:
    """sqlfluff lints what dbt compiles. dbt opens the profile's DuckDB file read-write to
    compile, so the lint gets a throwaway one: it neither waits for nor touches the published
    warehouse, and lints the same text whether or not a warehouse was built (no built fact, so
    is_incremental() is false). About 45 s: the parser reads every model with its macros
    expanded. In one process: the suite's workers already share the cores, and sqlfluff's own
    process pool once hung at its end here, its worker waiting on a lock, until the timeout."""
    env = dict(os.environ)
    env["WWC_WAREHOUSE"] = str(tmp_path / "lint.duckdb")
    # A file that dbt cannot compile or sqlfluff skips fails the lint too (.sqlfluff).
    run(
        ["sqlfluff", "lint", *SQL_PATHS, "--processes", "1", "--nocolor", "--disable-progress-bar"],
        env=env,
        timeout=900,
    )
