"""The live processes of this machine, read from Linux's /proc: for tests that check what a
command leaves running."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Process:
    pid: int
    parent: int
    group: int
    command: str  # its command line, arguments separated by spaces

    def environment(self) -> bytes:
        """Its environment as /proc gives it (NUL-separated), b"" once it has gone."""
        try:
            return Path(f"/proc/{self.pid}/environ").read_bytes()
        except OSError:
            return b""


def live_processes() -> dict[int, Process]:
    """pid -> every process that has not exited (zombies have)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The fields after the command name (which may hold spaces), in parentheses: state,
            # parent, process group (fields 3-5 of proc(5)).
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if fields[0] not in ("Z", "X"):
            pid = int(stat.parent.name)
            text = command.replace(b"\0", b" ").decode(errors="replace")
            found[pid] = Process(pid, int(fields[1]), int(fields[2]), text)
    return found
