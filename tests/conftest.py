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


LANDING_COLUMNS = [
    "assessment_id", "city_id", "submitted_date", "standard_version", "certification_level",
    "criterion_id", "status", "city_name", "state_code", "population", "population_year",
    "form_of_government",
]  # fmt: skip


def criteria_2018() -> list[str]:
    with (SEEDS_DIR / "criteria.csv").open() as f:
        return [line.split(",")[0] for line in f if line.startswith("2018-")]


def landing_rows(
    assessment_id: str = "A2020-900",
    city_id: str = "C9900",
    submitted: str = "2020-04-01",
    met: int = 12,
    new_city: bool = True,
) -> list[list[str]]:
    """Rows of a valid landing file: one 2018-standard assessment, `met` criteria met."""
    city = ["Test Hollowmere", "OR", "45210", "2019", "mayor-council"]
    rows = []
    for i, criterion in enumerate(criteria_2018()):
        attributes = city if new_city and i == 0 else [""] * 5
        status = "met" if i < met else "not met"
        rows.append(
            [assessment_id, city_id, submitted, "2018", "none", criterion, status, *attributes]
        )
    return rows


def write_landing(path: Path, rows: list[list[str]], header: list[str] = LANDING_COLUMNS) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_large_landing(path: Path, assessments: int) -> int:
    """A valid landing file with `assessments` new 2020 assessments of new cities; rows written."""
    import csv

    criteria = criteria_2018()
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(LANDING_COLUMNS)
        for n in range(assessments):
            city = ["Bulk Fernholm", "TX", str(40_000 + n), "2019", "council-manager"]
            for i, criterion in enumerate(criteria):
                writer.writerow([f"B2020-{n:06d}", f"CB{n:06d}", "2020-06-01", "2018", "none",
                                 criterion, "met" if (i + n) % 4 == 0 else "not met",
                                 *(city if i == 0 else [""] * 5)])  # fmt: skip
    return assessments * len(criteria)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `spark` (a ~2 min build on a local Spark session) run when asked for, with
    `pytest -m spark` or WWC_TEST_SPARK=1 (as CI does), and are skipped otherwise."""
    if os.environ.get("WWC_TEST_SPARK") == "1" or "spark" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="Spark build: run with `pytest -m spark` or WWC_TEST_SPARK=1")
    for item in items:
        if "spark" in item.keywords:
            item.add_marker(skip)
