"""The landing checks, file by file: a duplicate of an accepted file is set aside, an unreadable
file or one that fails the `landing_file` suite is quarantined with its reasons, and a file that
passes is loaded into the build copy's raw tables at once, so the next file of the batch is
checked against it too. Passing files stay in landing until the build is published."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from wwc.landing.checks import check_landing_frame
from wwc.landing.files import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    LandingFile,
    Record,
    accepted_files,
    accepted_name,
    now_utc,
    quarantine,
    sha256_of,
)
from wwc.landing.parse import UnreadableFile, read_landing_file
from wwc.raw_loader import load_landing_file


@dataclass
class Intake:
    staged: list[tuple[LandingFile, Record]] = field(default_factory=list)  # passed, loaded
    refused: list[Record] = field(default_factory=list)  # rejected or duplicate, quarantined


def check_files(
    files: list[LandingFile],
    con: duckdb.DuckDBPyConnection,
    context: Any,
    accepted: Path,
    quarantine_dir: Path,
    say: Callable[[str], None],
) -> Intake:
    """context: an open Great Expectations context (opened first, so that a validation that
    cannot run stops the batch before any file moves)."""
    intake = Intake()
    seen = {record.sha256: record for record, _ in accepted_files(accepted)}

    def refuse(file: LandingFile, record: Record, outcome: str, reasons: list[str]) -> None:
        record.outcome, record.reasons = outcome, reasons
        target = quarantine(file, record, quarantine_dir)
        intake.refused.append(record)
        say(f"Quarantined {file.name} -> {target}")
        for reason in reasons:
            say(f"    {reason}")

    for file in files:
        record = Record(file.name, sha256_of(file.path), now_utc(), ACCEPTED)
        if record.sha256 in seen:
            first = seen[record.sha256]
            reason = (
                f"identical to {first.original_name!r}, already loaded at {first.received_at}; "
                "nothing to add"
            )
            refuse(file, record, DUPLICATE, [reason])
            continue
        say(f"Checking {file.name}")
        try:
            frame = read_landing_file(file.path)
        except UnreadableFile as exc:
            refuse(file, record, REJECTED, exc.reasons)
            continue
        record.rows, record.assessments = len(frame), frame["assessment_id"].nunique()
        failures = check_landing_frame(context, frame, con)
        if failures:
            refuse(file, record, REJECTED, [failure.describe() for failure in failures])
            continue
        record.stored_as = accepted_name(record)
        load_landing_file(con, file.path, record.stored_as)
        seen[record.sha256] = record
        intake.staged.append((file, record))
        say(f"  passed: {record.rows} rows, {record.assessments} assessment(s)")
    return intake
