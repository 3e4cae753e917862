"""The marts' Great Expectations gates, run on the build file before it may be published."""

from __future__ import annotations

from pathlib import Path

import duckdb

from wwc.quality.data_docs import make_offline
from wwc.quality.suites import MART_FRAMES
from wwc.quality.validate import ValidationUnavailable, open_context, run_suite
from wwc.settings import gx_runtime_dir


def validate_mart_suite(context, build_file: Path, suite: str) -> list[str]:
    """Problems one mart suite finds in the build file (read-only); empty if none."""
    try:
        with duckdb.connect(str(build_file), read_only=True) as con:
            frame = con.execute(MART_FRAMES[suite]).df()
    except duckdb.Error as exc:
        raise ValidationUnavailable(f"could not read the marts for {suite}: {exc}") from exc
    return [f"{suite}: {failure.describe('row')}" for failure in run_suite(context, suite, frame)]


def data_docs_index() -> Path:
    """The Data Docs site, made readable offline; its index page."""
    return make_offline(gx_runtime_dir() / "data_docs")


def validate_marts(build_file: Path) -> tuple[list[str], Path]:
    """Problems found by every mart suite (empty if none) and the Data Docs index page."""
    context = open_context()
    problems = [p for suite in MART_FRAMES for p in validate_mart_suite(context, build_file, suite)]
    return problems, data_docs_index()
