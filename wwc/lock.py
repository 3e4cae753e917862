"""One writer at a time per warehouse: `wwc build`, `wwc refresh` and Dagster runs queue here."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class LockedError(RuntimeError):
    """Another process is writing the same warehouse."""


@contextmanager
def writer_lock(published: Path) -> Iterator[None]:
    """Held from the first stage of a build to the last; released if the process dies."""
    lock_path = published.parent / f".{published.name}.lock"
    with lock_path.open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"another wwc build or refresh is writing {published} (lock {lock_path}); "
                "try again when it has finished"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
