"""The marts' Great Expectations gates, run on the build file before it may be published."""

from __future__ import annotations

from pathlib import Path

import duckdb

from wwc.quality.suites import MART_FRAMES
from wwc.quality.validate import Suites, ValidationUnavailable


def validate_mart_suite(suites: Suites, build_file: Path, suite: str) -> list[str]:
    """Problems one mart suite finds in the build file (read-only); empty if none."""
    try:
        with duckdb.connect(str(build_file), read_only=True) as con:
            frame = con.execute(MART_FRAMES[suite]).df()
    except duckdb.Error as exc:
        raise ValidationUnavailable(f"could not read the marts for {suite}: {exc}") from exc
    return [f"{suite}: {failure.describe('row')}" for failure in suites.run(suite, frame)]


def validate_marts(suites: Suites, build_file: Path) -> dict[str, list[str]]:
    """Every mart suite -> the problems it found (empty if none)."""
    return {suite: validate_mart_suite(suites, build_file, suite) for suite in MART_FRAMES}
