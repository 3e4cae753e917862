"""The outputs stage: what every publish writes beside the warehouse, read from the published
file read-only: the picture report (HTML) and the Parquet export of the marts and reports.
(The dbt docs site is `wwc docs`: it needs a dbt run of its own, so it is made on request.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from wwc.parquet_export import ExportError, export_parquet
from wwc.picture_report import write_picture_report


class OutputError(RuntimeError):
    """The warehouse was published, but a file derived from it could not be written."""


@dataclass(frozen=True)
class Outputs:
    report: Path
    parquet: Path


def write_outputs(published: Path, say: Callable[[str], None]) -> Outputs:
    """Called right after a successful publish, under the writer lock."""
    try:
        say("Writing the picture report from the published reports")
        report = write_picture_report(published)
        say("Exporting the marts and reports as Parquet")
        parquet = export_parquet(published)
    except (duckdb.Error, OSError, ExportError) as exc:
        raise OutputError(
            f"the warehouse {published} was published, but the picture report or the Parquet "
            f"export failed: {exc}"
        ) from exc
    return Outputs(report, parquet)
