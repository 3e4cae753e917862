"""Files in landing, and where they go: `accepted/` (replayed by every build) or `quarantine/`.

Each stored file gets a JSON sidecar (name, checksum, counts, outcome, reasons); the sidecars are
the lineage the warehouse loads into `raw.load_log`. A sidecar is written before its file is
moved, and a sidecar without its file is ignored, so a crash between the two loses nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from wwc.landing.format import TEMPORARY_SUFFIXES

ACCEPTED, REJECTED, DUPLICATE = "accepted", "rejected", "duplicate"


@dataclass
class LandingFile:
    path: Path
    size: int
    mtime_ns: int

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Record:
    original_name: str
    sha256: str
    received_at: str
    outcome: str
    rows: int = 0
    assessments: int = 0
    reasons: list[str] = field(default_factory=list)
    stored_as: str = ""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def is_temporary(name: str) -> bool:
    return name.startswith(".") or name.lower().endswith(TEMPORARY_SUFFIXES)


@dataclass(frozen=True)
class Snapshot:
    """What a look at the landing folder saw: each candidate file's size and modification time,
    and the names that still look in progress (temporary names). Directories and symbolic links
    are never candidates."""

    files: dict[str, tuple[int, int]] = field(default_factory=dict)
    temporary: list[str] = field(default_factory=list)


def snapshot(landing: Path) -> Snapshot:
    seen = Snapshot()
    if not landing.is_dir():
        return seen
    for entry in sorted(landing.iterdir()):
        if not entry.is_file() or entry.is_symlink():
            continue
        if is_temporary(entry.name):
            seen.temporary.append(entry.name)
            continue
        stat = entry.stat()
        seen.files[entry.name] = (stat.st_size, stat.st_mtime_ns)
    return seen


def settled(
    landing: Path, before: Snapshot, after: Snapshot
) -> tuple[list[LandingFile], list[str]]:
    """Files ready to load (size and time the same in both looks), and the names left for the
    next look: new or still changing, or temporary."""
    ready, waiting = [], list(after.temporary)
    for name, (size, mtime) in after.files.items():
        if before.files.get(name) == (size, mtime):
            ready.append(LandingFile(landing / name, size, mtime))
        else:
            waiting.append(name)
    return ready, sorted(waiting)


def discover(landing: Path, settle_seconds: float) -> tuple[list[LandingFile], list[str]]:
    """The one landing discovery: two looks settle_seconds apart (the Dagster sensor takes its
    two looks on consecutive ticks instead, with the same `settled`)."""
    first = snapshot(landing)
    if first.files and settle_seconds > 0:
        time.sleep(settle_seconds)
    return settled(landing, first, snapshot(landing))


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip("._") or "file"


def _write_json(path: Path, payload: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _move(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except OSError:  # another filesystem: copy under a temporary name, then rename
        tmp = target.with_name(target.name + ".tmp")
        shutil.copy2(source, tmp)
        os.replace(tmp, target)
        source.unlink()


def _stamp(record: Record) -> str:
    return record.received_at.replace("-", "").replace(":", "").replace(".", "")


def accepted_name(record: Record) -> str:
    """Accepted files are renamed by time and checksum: sortable, and no user text in paths."""
    return f"{_stamp(record)}-{record.sha256[:12]}.csv"


def store_accepted(file: LandingFile, record: Record, accepted: Path) -> Path:
    accepted.mkdir(parents=True, exist_ok=True)
    record.stored_as = accepted_name(record)
    target = accepted / record.stored_as
    _write_json(target.with_suffix(".json"), asdict(record))
    _move(file.path, target)
    return target


def quarantine(file: LandingFile, record: Record, quarantine_dir: Path) -> Path:
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    record.stored_as = f"{_stamp(record)}-{_safe(file.name)}"
    target = quarantine_dir / record.stored_as
    _write_json(target.with_name(target.name + ".json"), asdict(record))
    lines = [
        f"File: {record.original_name}",
        f"Received: {record.received_at}",
        f"SHA-256: {record.sha256}",
        f"Outcome: {record.outcome}",
        "Reasons:",
    ]
    lines += [f"  - {reason}" for reason in record.reasons]
    target.with_name(target.name + ".reason.txt").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )
    _move(file.path, target)
    return target


def _load(sidecar: Path) -> Record:
    return Record(**json.loads(sidecar.read_text(encoding="utf-8")))


def accepted_files(accepted: Path) -> list[tuple[Record, Path]]:
    """Accepted files in the order they were accepted (only those whose file is present)."""
    if not accepted.is_dir():
        return []
    pairs = [(sidecar, sidecar.with_suffix(".csv")) for sidecar in sorted(accepted.glob("*.json"))]
    return [(_load(sidecar), csv) for sidecar, csv in pairs if csv.is_file()]


def all_records(accepted: Path, quarantine_dir: Path) -> list[Record]:
    """Every accepted and refused file, for the load log."""
    records = [r for r, _ in accepted_files(accepted)]
    if quarantine_dir.is_dir():
        for sidecar in sorted(quarantine_dir.glob("*.json")):
            if (quarantine_dir / sidecar.name.removesuffix(".json")).is_file():
                records.append(_load(sidecar))
    return records
