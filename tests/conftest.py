"""Shared fixtures: the real `wwc` command run in subprocesses against temporary warehouses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
WWC = str(Path(sys.executable).with_name("wwc"))


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_wwc(*args: str, warehouse: Path, timeout: float = 600) -> Run:
    env = dict(os.environ, WWC_WAREHOUSE=str(warehouse))
    done = subprocess.run(
        [WWC, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    return Run(done.returncode, done.stdout, done.stderr)


@dataclass
class Built:
    path: Path
    run: Run


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """One full `wwc build` of the committed synthetic history into a temporary warehouse."""
    path = tmp_path_factory.mktemp("published") / "wwc.duckdb"
    run = run_wwc("build", warehouse=path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return Built(path, run)


@pytest.fixture
def published_copy(built: Built, tmp_path: Path) -> Path:
    """A private copy of the published warehouse, for tests that try to overwrite it."""
    path = tmp_path / "warehouse" / "wwc.duckdb"
    path.parent.mkdir()
    shutil.copy2(built.path, path)
    return path
