"""The error every build stage raises when the warehouse may not change, on every target, and
the words that say a failure is the machine's, not a file's."""

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
