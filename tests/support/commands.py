"""The real `wwc` command, run in subprocesses against temporary warehouses."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
WWC = str(Path(sys.executable).with_name("wwc"))


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Built:
    path: Path
    run: Run


def run_wwc(*args: str, warehouse: Path, timeout: float = 600, **extra_env: str) -> Run:
    env = dict(os.environ, WWC_WAREHOUSE=str(warehouse), **extra_env)
    done = subprocess.run(
        [WWC, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return Run(done.returncode, done.stdout, done.stderr)


def refresh(warehouse: Path, **extra_env: str) -> Run:
    """`wwc refresh`, with a short settle time (the test writes its files before it starts)."""
    return run_wwc("refresh", warehouse=warehouse, WWC_LANDING_SETTLE_SECONDS="0.1", **extra_env)
