"""A throwaway PostgreSQL server for the tests: initdb into a temporary folder, pg_ctl start on a
free port of 127.0.0.1, pg_ctl stop at the end.

The server binaries come from the `pgserver` wheel (PostgreSQL 16, in uv.lock), so CI needs no
system package; `WWC_PG_BIN` points at another bin folder (e.g. /usr/lib/postgresql/16/bin).
PostgreSQL refuses to run as root: as root, the server runs as `nobody`, and its folder belongs
to that user.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

UNPRIVILEGED_UID = 65534  # nobody


def bin_dir() -> Path:
    override = os.environ.get("WWC_PG_BIN")
    if override:
        return Path(override)
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
        if (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    raise FileNotFoundError("no PostgreSQL server binaries: `uv sync` installs pgserver")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reachable_by_others(path: Path) -> bool:
    """path and every folder above it are searchable by anyone (o+x)."""
    return all(os.stat(parent).st_mode & 0o001 for parent in [path, *path.parents])


@dataclass
class Server:
    bin: Path
    root: Path
    port: int
    user: str = "postgres"
    host: str = "127.0.0.1"
    as_uid: int | None = None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def env(self, database: str = "postgres") -> dict[str, str]:
        """The libpq variables that point a client (and `wwc build --target postgres`) here."""
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": "",
            "PGDATABASE": database,
        }

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        extra = {}
        if self.as_uid is not None:
            extra = {"user": self.as_uid, "group": self.as_uid, "extra_groups": []}
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=self.root,
            env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
            **extra,
        )

    def start(self) -> None:
        done = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stdout}{done.stderr}")
        options = (
            f"-h {self.host} -p {self.port} -k {self.root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        done = self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        if done.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}\n{log}")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def create_database(self, name: str) -> None:
        import psycopg2

        con = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname="postgres")
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(f'create database "{name}"')
        con.close()


@contextlib.contextmanager
def throwaway_server():
    """A running server in a fresh temporary folder; stopped and removed on exit."""
    binaries = bin_dir()
    root = Path(tempfile.mkdtemp(prefix="wwc-pg-"))
    as_uid = None
    if os.geteuid() == 0:
        as_uid = UNPRIVILEGED_UID
        if not _reachable_by_others(binaries):
            # The unprivileged user cannot reach the venv: run a copy of the binaries.
            # Keep the wheel's layout: the binaries' RPATH is $ORIGIN/../../../pgserver.libs.
            copy = Path(tempfile.mkdtemp(prefix="wwc-pgbin-"))
            shutil.copytree(binaries.parent, copy / "pgserver" / "pginstall", symlinks=True)
            libs = binaries.parent.parent.parent / "pgserver.libs"
            if libs.is_dir():
                shutil.copytree(libs, copy / "pgserver.libs", symlinks=True)
            os.chmod(copy, 0o755)
            binaries = copy / "pgserver" / "pginstall" / "bin"
        os.chown(root, as_uid, as_uid)
    server = Server(binaries, root, free_port(), as_uid=as_uid)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        if binaries.parents[2].name.startswith("wwc-pgbin-"):
            shutil.rmtree(binaries.parents[2], ignore_errors=True)
