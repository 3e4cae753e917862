"""The mechanics of the published file (the pipeline's `prepare` and `publish` stages run them):
copy it for a refresh to build on, check a finished build file, then swap it in for the
published warehouse atomically."""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb

from wwc.settings import STORAGE_COMPATIBILITY_VERSION

# Schemas BI tools and analysts read; `wwc build` prints a row count for each of their tables.
PUBLIC_SCHEMAS = ("marts", "reports")


class PublishError(RuntimeError):
    """The build file may not replace the published warehouse."""


def _version(text: str) -> tuple[int, ...]:
    match = re.match(r"v?(\d+)\.(\d+)\.(\d+)", text or "")
    if not match:
        raise PublishError(f"unreadable DuckDB storage version {text!r}")
    return tuple(int(part) for part in match.groups())


# What copy_file_range(2) raises where the kernel, the filesystem or a sandbox (seccomp: EPERM)
# will not do it at all; any other error (a full disk) is the copy's failure.
NO_COPY_FILE_RANGE = {
    errno.ENOSYS,
    errno.EXDEV,
    errno.EOPNOTSUPP,
    errno.EINVAL,
    errno.EPERM,
    errno.ETXTBSY,
}


def _copied_by_range(source: int, target: int, size: int) -> bool:
    """Copy size bytes with copy_file_range(2); False where it will not (refused, or it stops
    short: some filesystems return 0), for the caller to copy the plain way."""
    remaining = size
    try:
        while remaining > 0:
            copied = os.copy_file_range(source, target, remaining)
            if copied == 0:
                return False
            remaining -= copied
    except OSError as exc:
        if exc.errno not in NO_COPY_FILE_RANGE:
            raise
        return False
    return True


def copy_published(published: Path, build_file: Path) -> None:
    """A copy of the published file for a refresh to build on (a new file, never one that
    exists). copy_file_range(2) shares the file's blocks where the filesystem can (a reflink on
    XFS or Btrfs: no byte is copied until the refresh writes a block, and the published file
    never sees that write) and copies inside the kernel where it cannot (ext4); where it will
    not, or on a system without it, `shutil.copyfile` copies the file again from the start."""
    if hasattr(os, "copy_file_range"):  # Linux only
        with published.open("rb") as source, build_file.open("xb") as target:
            size = os.fstat(source.fileno()).st_size
            if _copied_by_range(source.fileno(), target.fileno(), size):
                return
    shutil.copyfile(published, build_file)


# A refresh deletes and re-inserts rows in a copy of the published file, which leaves the old
# blocks free inside it: past this share of free blocks the file is rewritten without them.
MAX_FREE_SHARE = 0.25


def compact(build_file: Path) -> tuple[int, int] | None:
    """Rewrite the build file without its free blocks if they are more than `MAX_FREE_SHARE`
    of it; returns the sizes in bytes before and after, or None if it was left as it is.

    COPY FROM DATABASE keeps every table, view, constraint and comment; the new file is created
    with the same storage version, so older readers still open it."""
    compacted = build_file.with_name(build_file.name + ".compacted")
    try:
        with duckdb.connect(str(build_file)) as con:
            con.execute("checkpoint")
            name, total, free = con.execute(
                "select database_name, total_blocks, free_blocks from pragma_database_size() "
                "where database_name = current_database()"
            ).fetchone()
            if not total or free / total <= MAX_FREE_SHARE:
                return None
            compacted.unlink(missing_ok=True)
            con.execute(
                "attach ? as compacted (storage_version ?)",
                [str(compacted), STORAGE_COMPATIBILITY_VERSION],
            )
            con.execute(f'copy from database "{name}" to compacted')
            con.execute("detach compacted")
        before = build_file.stat().st_size
        os.replace(compacted, build_file)
    except (duckdb.Error, OSError) as exc:  # the disk, not the data
        raise PublishError(f"the build file could not be compacted: {exc}") from exc
    return before, build_file.stat().st_size


def inspect_build(build_file: Path) -> tuple[str, dict[str, int]]:
    """Checkpoint the build file, refuse it if older DuckDB readers could not open it, and
    count the rows of every public relation."""
    try:
        con = duckdb.connect(str(build_file))
    except duckdb.Error as exc:
        raise PublishError(f"the build file could not be opened: {exc}") from exc
    try:
        try:
            con.execute("checkpoint")
        except duckdb.Error as exc:  # the disk, not the data: a full disk fails the checkpoint
            raise PublishError(f"the build file could not be written: {exc}") from exc
        tags = con.execute(
            "select tags from duckdb_databases() where database_name = current_database()"
        ).fetchone()[0]
        storage = dict(tags).get("storage_version", "")
        if _version(storage) > _version(STORAGE_COMPATIBILITY_VERSION):
            raise PublishError(
                f"the build file needs DuckDB storage {storage}, but readers from DuckDB "
                f"{STORAGE_COMPATIBILITY_VERSION} must open it; not publishing"
            )
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ? order by table_schema, table_name",
            [list(PUBLIC_SCHEMAS)],
        ).fetchall()
        rows = {
            f"{schema}.{name}": con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[
                0
            ]
            for schema, name in relations
        }
    finally:
        con.close()
    return storage, rows


def swap_in(build_file: Path, published: Path, say: Callable[[str], None]) -> None:
    """Atomically replace the published file; readers holding the old one keep reading it.

    A `.wal` beside the published file belongs to the file being replaced (a read-write client
    left it): beside the new file DuckDB would refuse to open either ("WAL does not match"), so
    it is removed, just before the rename, and the run says so."""
    if build_file.with_name(build_file.name + ".wal").exists():
        raise PublishError(f"{build_file} still has a write-ahead log; not publishing")
    try:
        _replace(build_file, published, say)
    except OSError as exc:
        raise PublishError(f"the build file could not replace {published}: {exc}") from exc


def _replace(build_file: Path, published: Path, say: Callable[[str], None]) -> None:
    with build_file.open("rb") as f:
        os.fsync(f.fileno())
    stale = published.with_name(published.name + ".wal")
    if stale.exists():
        stale.unlink()
        say(
            f"Removed {stale}: a write-ahead log a read-write client left beside the published "
            "file, which would stop every reader of the new one (its changes were to the "
            "replaced file)"
        )
    os.replace(build_file, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
