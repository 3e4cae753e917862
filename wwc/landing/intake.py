"""The landing checks, file by file: each file is read once into a private copy (checksum of
those bytes); a duplicate of an accepted file is set aside; a copy that cannot be read or fails
the `landing_file` suite is quarantined with its reasons; one that passes is loaded, from the
very frame that was checked, into the build copy's raw tables at once, so the next file of the
batch is checked against it too. Passing originals stay in landing until the build is
published."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from wwc.errors import is_duckdb_machine_fault
from wwc.landing.checks import check_landing_frame
from wwc.landing.files import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    FolderUnavailable,
    LandingFile,
    Record,
    accepted_files,
    accepted_name,
    now_utc,
    quarantine,
    take_copy,
)
from wwc.landing.format import shown
from wwc.landing.parse import UnreadableFile, read_landing
from wwc.quality.validate import Suites
from wwc.raw_loader import load_landing_frame


@dataclass
class Intake:
    staged: list[tuple[LandingFile, Record]] = field(default_factory=list)  # passed, loaded
    refused: list[Record] = field(default_factory=list)  # rejected or duplicate, quarantined
    waiting: list[str] = field(default_factory=list)  # changed after it settled: next run


def _judge(
    file: LandingFile, record: Record, con: duckdb.DuckDBPyConnection, suites: Suites
) -> list[str]:
    """Read, check and load one file's private copy; the reasons it is refused, if any. Every
    error of this file (its text, its values, the load of exactly the checked values) is its
    own reason; a load that fails leaves raw as it was."""
    assert file.copy is not None
    try:
        frame = read_landing(file.copy)
    except UnreadableFile as exc:
        return exc.reasons
    record.rows, record.assessments = len(frame), int(frame["assessment_id"].nunique())
    failures = check_landing_frame(suites, frame, con)
    if failures:
        return [failure.describe() for failure in failures]
    record.stored_as = accepted_name(record)
    try:
        load_landing_frame(con, frame, record.stored_as)
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if is_duckdb_machine_fault(exc):
            raise FolderUnavailable(f"the build copy cannot take {file.shown}: {message}") from exc
        return [f"the checked rows could not be loaded: {message}"]
    return []


def check_files(
    files: list[LandingFile],
    con: duckdb.DuckDBPyConnection,
    suites: Suites,
    folders: tuple[Path, Path, Path],
    say: Callable[[str], None],
) -> Intake:
    """folders: accepted, quarantine and the run's private copies. suites: the Great
    Expectations suites, open (opened first, so that a validation that cannot run stops the batch
    before any file moves). Raises FolderUnavailable when a copy or a move fails for a reason
    that is no file's fault."""
    accepted, quarantine_dir, copies = folders
    intake = Intake()
    seen = {record.sha256: record for record, _ in accepted_files(accepted)}

    def refuse(file: LandingFile, record: Record, outcome: str, reasons: list[str]) -> None:
        record.outcome, record.reasons = outcome, reasons
        target = quarantine(file, record, quarantine_dir)
        intake.refused.append(record)
        say(f"Quarantined {file.shown} -> {target}")
        for reason in reasons:
            say(f"    {reason}")

    for file in files:
        record = Record(file.name, "", now_utc(), ACCEPTED)
        try:
            sha256 = take_copy(file, copies)
        except OSError as exc:  # reading this file failed: its own reason
            if isinstance(exc, FolderUnavailable):
                raise
            refuse(file, record, REJECTED, [f"the file cannot be read: {exc.strerror or exc}"])
            continue
        if sha256 is None:
            intake.waiting.append(file.name)
            say(f"Left for the next run (changed while it was read): {file.shown}")
            continue
        record.sha256 = sha256
        if record.sha256 in seen:
            first = seen[record.sha256]
            reason = (
                f"identical to {shown(first.original_name)!r}, already loaded at "
                f"{first.received_at}; nothing to add"
            )
            refuse(file, record, DUPLICATE, [reason])
            continue
        say(f"Checking {file.shown}")
        reasons = _judge(file, record, con, suites)
        if reasons:
            refuse(file, record, REJECTED, reasons)
            continue
        seen[record.sha256] = record
        intake.staged.append((file, record))
        say(f"  passed: {record.rows} rows, {record.assessments} assessment(s)")
    return intake
