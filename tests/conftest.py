"""Fixtures only (helpers are in tests/support/): one real `wwc build` shared by the session
(one per worker: the suite runs on pytest-xdist's workers, each with its own dbt target folder),
private copies of it, the dbt manifest the Dagster definitions load, and the Spark opt-in."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from support.commands import Built, run_wwc


def pytest_configure(config: pytest.Config) -> None:
    """On an xdist worker: a dbt target folder of its own, and dbt's log beside it, for this
    process and every `wwc`, dbt and Dagster process it starts. Builds that share a target
    folder take turns (they write the same manifest); with one each, the workers' builds run
    side by side. Relative, so a copy of the project (the mutation tests', test_invariants.py)
    builds in its own folder, not in this checkout's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        os.environ["DBT_TARGET_PATH"] = f"target/pytest-{worker}"
        os.environ["DBT_LOG_PATH"] = f"target/pytest-{worker}/logs"


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


@pytest.fixture(scope="session")
def dbt_manifest(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The dbt manifest the Dagster definitions load, prepared ahead as operators do."""
    from wwc.dbt_runner import parse_manifest
    from wwc.settings import Settings

    assert parse_manifest(tmp_path_factory.mktemp("parse") / "wwc.duckdb", Settings.from_env()) == 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `spark` (a ~2 min build on a local Spark session) run when asked for, with
    `pytest -m spark` or WWC_TEST_SPARK=1 (as CI does), and are skipped otherwise."""
    if os.environ.get("WWC_TEST_SPARK") == "1" or "spark" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="Spark build: run with `pytest -m spark` or WWC_TEST_SPARK=1")
    for item in items:
        if "spark" in item.keywords:
            item.add_marker(skip)
