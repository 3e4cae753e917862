"""The marts' Great Expectations gates, run on the build file before it may be published."""

from __future__ import annotations

from pathlib import Path

import duckdb

from wwc.quality.data_docs import make_offline
from wwc.quality.suites import MART_FRAMES
from wwc.quality.validate import ValidationUnavailable, open_context, run_suite
from wwc.settings import gx_runtime_dir


def validate_marts(build_file: Path) -> tuple[list[str], Path]:
    """Problems found in the marts (empty if none) and the Data Docs index page."""
    context = open_context()
    try:
        with duckdb.connect(str(build_file), read_only=True) as con:
            frames = {name: con.execute(sql).df() for name, sql in MART_FRAMES.items()}
    except duckdb.Error as exc:
        raise ValidationUnavailable(f"could not read the marts to validate them: {exc}") from exc
    problems = [
        f"{name}: {failure.describe('row')}"
        for name, frame in frames.items()
        for failure in run_suite(context, name, frame)
    ]
    return problems, make_offline(gx_runtime_dir() / "data_docs")
