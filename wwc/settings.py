"""Where the warehouse, landing and quarantine folders live, and how to override them."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "wwc.duckdb"

# The oldest DuckDB release whose readers the published file must serve (BI drivers lag).
STORAGE_COMPATIBILITY_VERSION = "v1.4.0"


def warehouse_path() -> Path:
    """The published warehouse file: `WWC_WAREHOUSE` or `data/wwc.duckdb` in the project."""
    override = os.environ.get("WWC_WAREHOUSE")
    return Path(override).expanduser().resolve() if override else DEFAULT_WAREHOUSE


# The Great Expectations project (suites, checkpoints); `WWC_EXPECTATIONS_DIR` points elsewhere.
EXPECTATIONS_DIR = Path(os.environ.get("WWC_EXPECTATIONS_DIR", PROJECT_ROOT / "expectations"))


def data_dir() -> Path:
    """Folder of the published warehouse; landing, quarantine and accepted files live here."""
    return warehouse_path().parent


def landing_dir() -> Path:
    override = os.environ.get("WWC_LANDING")
    return Path(override).expanduser().resolve() if override else data_dir() / "landing"


def quarantine_dir() -> Path:
    return data_dir() / "quarantine"


def accepted_dir() -> Path:
    """Every landing file accepted so far; `wwc build` replays them after the seeds."""
    return data_dir() / "accepted"


def gx_runtime_dir() -> Path:
    """Validation results and the Data Docs site (Great Expectations run-time output)."""
    return data_dir() / "gx"
