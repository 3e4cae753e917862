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
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from wwc.landing.format import TEMPORARY_SUFFIXES, shown

ACCEPTED, REJECTED, DUPLICATE = "accepted", "rejected", "duplicate"
MAX_NAME = 120


@dataclass
class LandingFile:
    path: Path
    size: int
    mtime_ns: int
    copy: Path | None = None  # the private copy every later stage reads (take_copy)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def shown(self) -> str:
        return shown(self.name)


class FolderUnavailable(OSError):
    """Writing a copy, moving a file or loading checked rows into the build copy failed for a
    reason that is no file's fault (disk full, a folder that cannot be written): the files stay
    in landing."""


def take_copy(file: LandingFile, folder: Path) -> str | None:
    """Read the landing file once, into a private copy in `folder`, and return the checksum of
    exactly those bytes; None if the file changed since it settled (it waits for the next run).
    An OSError reading it is the file's; one writing the copy raises FolderUnavailable."""
    digest = hashlib.sha256()
    with file.path.open("rb") as source:
        try:  # a name no other copy of the run has, whatever was moved out before
            handle, name = tempfile.mkstemp(suffix=".csv", dir=folder)
        except OSError as exc:
            raise FolderUnavailable(f"cannot write in {folder}: {exc.strerror}") from exc
        target = Path(name)
        with os.fdopen(handle, "wb") as sink:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                digest.update(chunk)
                try:
                    sink.write(chunk)
                except OSError as exc:
                    raise FolderUnavailable(f"cannot write in {folder}: {exc.strerror}") from exc
        stat = os.fstat(source.fileno())
    if (stat.st_size, stat.st_mtime_ns) != (file.size, file.mtime_ns):
        target.unlink()
        return None
    file.copy = target
    return digest.hexdigest()


def release(file: LandingFile) -> bool:
    """Remove the original from landing once its copy is stored, unless it was rewritten since
    it was read: then it stays, and the next run reads it as a new file. False if it stayed."""
    try:
        stat = file.path.stat()
    except FileNotFoundError:
        return True
    if (stat.st_size, stat.st_mtime_ns) != (file.size, file.mtime_ns):
        return False
    file.path.unlink()
    return True


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
    landing: Path, before: Snapshot, after: Snapshot, settled_before: int
) -> tuple[list[LandingFile], list[str]]:
    """Files ready to load (size and time the same in both looks, or last written before
    `settled_before`, so ready at the first look), and the names left for the next look: new
    or still changing, or temporary."""
    ready, waiting = [], list(after.temporary)
    for name, (size, mtime) in after.files.items():
        if before.files.get(name) == (size, mtime) or mtime <= settled_before:
            ready.append(LandingFile(landing / name, size, mtime))
        else:
            waiting.append(name)
    return ready, sorted(waiting)


def discover(
    landing: Path, settle_seconds: float, max_wait: float | None = None
) -> tuple[list[LandingFile], list[str]]:
    """The one landing discovery (`wwc refresh` and the Dagster sensor): a file nothing wrote to
    for settle_seconds is ready at once; one written to more recently is looked at again when
    the youngest such file is settle_seconds old, and is ready if it did not change: its
    modification time at the first look says nothing wrote to it since, and the second look
    that nothing did until then. A caller that may not wait that long (`max_wait`, the sensor
    within its tick's time limit) takes the first look alone: those files wait for a later
    look."""
    now = time.time_ns()  # before the look: a file it finds old enough was so by then
    first = snapshot(landing)
    settle_ns = int(settle_seconds * 1e9)
    young = [mtime for _, mtime in first.files.values() if mtime > now - settle_ns]
    if settle_ns > 0 and young:
        # A time ahead of this clock (another machine's) waits the whole settle time between
        # the two looks.
        wait = min(settle_ns, max(young) + settle_ns - now) / 1e9
        if max_wait is not None and wait > max_wait:
            return settled(landing, Snapshot(), first, now - settle_ns)
        time.sleep(wait)
    return settled(landing, first, snapshot(landing), now - settle_ns)


def _safe(name: str) -> str:
    """A name for the quarantined file: no user text beyond letters, digits and `._-`, and short
    enough for any filesystem with the time stamp and the `.reason.txt` suffix."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip("._")[:MAX_NAME] or "file"


def _write(path: Path, text: str) -> None:
    """Write beside the final name, then rename: a reader never sees half a sidecar."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise FolderUnavailable(f"cannot write {path}: {exc.strerror}") from exc


def _write_json(path: Path, payload: dict) -> None:
    _write(path, json.dumps(payload, indent=2, sort_keys=True) + "\n")


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


def _place(file: LandingFile, target: Path) -> bool:
    """Move the file's private copy (or, when none was taken, the original) to target; True if
    the original left landing."""
    try:
        if file.copy is None:
            _move(file.path, target)
            return True
        _move(file.copy, target)
        return release(file)
    except OSError as exc:
        raise FolderUnavailable(f"cannot store {target}: {exc.strerror}") from exc


def store_accepted(file: LandingFile, record: Record, accepted: Path) -> bool:
    """The accepted copy and its sidecar in accepted/; False if the original was rewritten
    while it was checked and stays in landing for the next run."""
    record.stored_as = accepted_name(record)
    target = accepted / record.stored_as
    _write_json(target.with_suffix(".json"), asdict(record))
    return _place(file, target)


def quarantine(file: LandingFile, record: Record, quarantine_dir: Path) -> Path:
    record.stored_as = f"{_stamp(record)}-{_safe(file.name)}"
    target = quarantine_dir / record.stored_as
    _write_json(target.with_name(target.name + ".json"), asdict(record))
    lines = [
        f"File: {shown(record.original_name)}",
        f"Received: {record.received_at}",
        f"SHA-256: {record.sha256}",
        f"Outcome: {record.outcome}",
        "Reasons:",
    ]
    lines += [f"  - {reason}" for reason in record.reasons]
    _write(target.with_name(target.name + ".reason.txt"), "\n".join(lines) + "\n")
    _place(file, target)
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
