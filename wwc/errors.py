"""The error every build stage raises when the warehouse may not change, on every target, and
the words that say a failure is the machine's, not a file's."""

import duckdb

# In an error's message: the disk, memory or a lock failed, not the data. No file is to blame.
MACHINE_FAULTS = (
    "no space left",
    "disk quota",
    "file too large",
    "out of memory",
    "could not set lock",
    "permission denied",
    "read-only file system",
    "too many open files",
    "input/output error",
)


def is_machine_fault(message: str) -> bool:
    return any(words in message.lower() for words in MACHINE_FAULTS)


def is_duckdb_machine_fault(exc: duckdb.Error) -> bool:
    """DuckDB's failure is the machine's: an I/O error or out of memory, or words that say so
    in the first line of its message (a commit that could not write its log is a
    TransactionException)."""
    first_line = (str(exc).splitlines() or [""])[0]
    return isinstance(exc, duckdb.IOException | duckdb.OutOfMemoryException) or is_machine_fault(
        first_line
    )


class BuildError(RuntimeError):
    """The build did not pass its gates; the published warehouse is unchanged.

    `failed` names what the data failed (dbt tests or models, Great Expectations suites), the
    reason given to the new file that is blamed for it. `nobodys` marks a fault of no file (the
    disk, a lock, dbt not starting): every new file then stays in landing for the next run.
    """

    def __init__(self, message: str, failed: tuple[str, ...] = (), nobodys: bool = False):
        super().__init__(message)
        self.failed = failed
        self.nobodys = nobodys
