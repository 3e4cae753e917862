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
