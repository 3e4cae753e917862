"""`wwc refresh`: check what is new in landing, load what passes, quarantine the rest, publish.

The published file changes only if at least one new file passes and the whole build passes its
gates. Files move out of landing only once their fate is settled, so a refresh killed at any
point is simply run again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from wwc.build import BuildError, BuildResult, Say, build_copy, connect_new, gate_and_publish
from wwc.landing.checks import check_landing_frame
from wwc.landing.files import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    LandingFile,
    Record,
    accepted_files,
    accepted_name,
    all_records,
    discover,
    now_utc,
    quarantine,
    sha256_of,
    store_accepted,
)
from wwc.landing.parse import UnreadableFile, read_landing_file
from wwc.publish import writer_lock
from wwc.quality.data_docs import make_offline
from wwc.quality.validate import open_context
from wwc.raw_loader import assemble_raw, load_landing_file, record_load_log
from wwc.settings import (
    SEEDS_DIR,
    accepted_dir,
    gx_runtime_dir,
    landing_dir,
    quarantine_dir,
    warehouse_path,
)

DEFAULT_SETTLE_SECONDS = 2.0


@dataclass
class RefreshResult:
    accepted: list[Record] = field(default_factory=list)
    refused: list[Record] = field(default_factory=list)  # rejected or duplicate
    waiting: list[str] = field(default_factory=list)
    build: BuildResult | None = None

    @property
    def failed(self) -> bool:
        return any(r.outcome == REJECTED for r in self.refused)


def _settle_seconds() -> float:
    return float(os.environ.get("WWC_LANDING_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS))


def refresh(seeds_dir: Path = SEEDS_DIR, say: Say = print) -> RefreshResult:
    published = warehouse_path()
    landing = landing_dir()
    landing.mkdir(parents=True, exist_ok=True)
    result = RefreshResult()
    with writer_lock(published):
        files, result.waiting = discover(landing, _settle_seconds())
        for name in result.waiting:
            say(f"Left for the next run (still being written or a temporary name): {name}")
        if not files:
            say(f"Nothing new in {landing}; the published warehouse is unchanged.")
            return result
        context = open_context()  # fails closed before anything moves
        staged: list[tuple[LandingFile, Record]] = []

        def refuse(file: LandingFile, record: Record, outcome: str, reasons: list[str]) -> None:
            record.outcome, record.reasons = outcome, reasons
            target = quarantine(file, record, quarantine_dir())
            result.refused.append(record)
            say(f"Quarantined {file.name} -> {target}")
            for reason in reasons:
                say(f"    {reason}")

        with build_copy(published) as build_file:
            with connect_new(build_file) as con:
                assemble_raw(con, seeds_dir, accepted_dir(), quarantine_dir())
                seen = {r.sha256: r for r, _ in accepted_files(accepted_dir())}
                for file in files:
                    record = Record(file.name, sha256_of(file.path), now_utc(), ACCEPTED)
                    if record.sha256 in seen:
                        first = seen[record.sha256]
                        refuse(
                            file,
                            record,
                            DUPLICATE,
                            [
                                f"identical to {first.original_name!r}, already loaded at "
                                f"{first.received_at}; nothing to add"
                            ],
                        )
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
                        refuse(file, record, REJECTED, [f.describe() for f in failures])
                        continue
                    record.stored_as = accepted_name(record)
                    load_landing_file(con, file.path, record.stored_as)
                    seen[record.sha256] = record
                    staged.append((file, record))
                    say(f"  passed: {record.rows} rows, {record.assessments} assessment(s)")
                record_load_log(
                    con, all_records(accepted_dir(), quarantine_dir()) + [r for _, r in staged]
                )
            make_offline(gx_runtime_dir() / "data_docs")
            if not staged:
                say("No new file passed; the published warehouse is unchanged.")
                return result

            def store() -> None:
                for file, record in staged:
                    store_accepted(file, record, accepted_dir())

            try:
                result.build = gate_and_publish(
                    build_file, published, seeds_dir, say, True, before_publish=store
                )
            except BuildError as exc:
                for file, record in staged:
                    if file.path.exists():
                        refuse(
                            file,
                            record,
                            REJECTED,
                            [
                                "passed the landing checks, but the warehouse build failed with it "
                                f"in the batch: {exc}"
                            ],
                        )
                raise
        result.accepted = [r for _, r in staged]
    return result
