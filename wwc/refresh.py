"""`wwc refresh`: check what is new in landing, load what passes, quarantine the rest, publish.

The published file changes only if at least one new file passes and the whole build passes its
gates. Files leave landing only once their fate is settled, so a refresh killed at any point is
simply run again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from wwc.build import finish
from wwc.landing.files import REJECTED, Record
from wwc.pipeline import BuildError, BuildResult, Say, prepare, quarantine_staged, remove_build_copy
from wwc.publish import writer_lock
from wwc.settings import SEEDS_DIR, landing_dir, warehouse_path


@dataclass
class RefreshResult:
    accepted: list[Record] = field(default_factory=list)
    refused: list[Record] = field(default_factory=list)  # rejected or duplicate
    waiting: list[str] = field(default_factory=list)
    build: BuildResult | None = None

    @property
    def rejected(self) -> list[Record]:
        return [r for r in self.refused if r.outcome == REJECTED]


def refresh(seeds_dir: Path = SEEDS_DIR, say: Say = print) -> RefreshResult:
    started = time.perf_counter()
    published = warehouse_path()
    published.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(published):
        try:
            prepared = prepare(seeds_dir, say, with_landing=True, always_build=False)
            result = RefreshResult(refused=prepared.refused, waiting=prepared.waiting)
            if not prepared.new_files_seen:
                say(f"Nothing new in {landing_dir()}; the published warehouse is unchanged.")
                return result
            if not prepared.staged:
                say("No new file passed; the published warehouse is unchanged.")
                return result
            try:
                result.build = finish(prepared, say, started)
            except BuildError as exc:
                quarantine_staged(prepared, exc, say)
                raise
            result.accepted = [record for _, record in prepared.staged]
            return result
        finally:
            remove_build_copy(published)
