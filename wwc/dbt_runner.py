"""dbt for every caller: the arguments of a `dbt build` (on any target), and dbt run in a
subprocess of the same environment: started ahead of a DuckDB build (`DbtAhead`; on the command
line its progress streams to the terminal, under Dagster to dagster-dbt's `dbt` command), or as
a `dbt` command (`run_dbt`).

The DuckDB file dbt writes is an argument of the command (`database_args`: the `wwc_build_file`
var that profiles.yml reads), so the command line and Dagster's dbt resource pass it the same
way; a build copy is passed by a fixed path through a link in dbt's target folder
(`build_copy_args`), so that dbt's partial parsing holds across warehouses. The other values
profiles.yml reads, and the target folder, come from the settings, as the subprocess's
environment.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import importlib.metadata
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from wwc.dbt_client import SOCKET
from wwc.errors import is_machine_fault
from wwc.seeds_manifest import Seeds
from wwc.settings import PROJECT_ROOT, Settings

BUILD_LINK = "wwc_build"  # in the target folder: see build_copy_args
PR_SET_PDEATHSIG = 1  # <sys/prctl.h>
PROJECT_ARGS = ["--project-dir", str(PROJECT_ROOT), "--profiles-dir", str(PROJECT_ROOT)]
# What a DuckDB build's relations are made from besides the data: the files dbt reads (these,
# and the SQL, YAML and docs blocks in the folders of dbt_project.yml's model-paths, macro-paths
# and test-paths) and the code of dbt and its adapter (materializations).
PROJECT_FILES = ["dbt_project.yml", "profiles.yml"]
PROJECT_FOLDERS = ["models", "macros", "tests"]
PROJECT_SUFFIXES = {".sql", ".yml", ".yaml", ".md"}
DBT_DISTRIBUTIONS = ["dbt-core", "dbt-adapters", "dbt-duckdb"]


def dbt_executable() -> str:
    beside_python = Path(sys.executable).with_name("dbt")
    return str(beside_python) if beside_python.exists() else (shutil.which("dbt") or "dbt")


def dbt_client_executable() -> str:
    """`wwc-dbt` (wwc/dbt_client.py), installed beside this Python with the project."""
    return str(Path(sys.executable).with_name("wwc-dbt"))


def project_fingerprint() -> str:
    """Identifies the dbt project and the dbt code a build runs (see `PROJECT_FILES`): a
    published file records it, so that a refresh by the same project may leave alone the models
    no landing file feeds (wwc/pipeline.py `dbt_args`)."""
    paths = [PROJECT_ROOT / name for name in PROJECT_FILES] + sorted(
        path
        for folder in PROJECT_FOLDERS
        for path in (PROJECT_ROOT / folder).rglob("*")
        if path.suffix in PROJECT_SUFFIXES and path.is_file()
    )
    digest = hashlib.sha256()
    for distribution in DBT_DISTRIBUTIONS:
        digest.update(f"{distribution}=={importlib.metadata.version(distribution)}\n".encode())
    for path in paths:
        content = path.read_bytes()
        digest.update(f"{path.relative_to(PROJECT_ROOT)}:{len(content)}\n".encode() + content)
    return digest.hexdigest()


def database_args(database_file: Path) -> list[str]:
    """The DuckDB file a dbt command opens (profiles.yml: `var('wwc_build_file')`)."""
    return ["--vars", json.dumps({"wwc_build_file": str(database_file)})]


def build_copy_args(build_file: Path, settings: Settings) -> list[str]:
    """`database_args` for a build copy, reached through the target folder's fixed link
    (`linked_build_copy`): dbt parses again in full whenever its vars or the profile's rendered
    path change, so every build of every warehouse with this target folder passes the same
    path."""
    return database_args(settings.dbt_target / BUILD_LINK / build_file.name)


@contextmanager
def linked_build_copy(build_file: Path, settings: Settings) -> Iterator[None]:
    """For one dbt command: point <target>/wwc_build at the build copy's folder, holding a lock
    so that two dbt commands with this target folder (of different warehouses) take turns: they
    write the same manifest and partial parse. The link is to the folder, so DuckDB's write-ahead
    log is written beside the build copy itself."""
    target = settings.dbt_target
    target.mkdir(parents=True, exist_ok=True)
    with (target / "wwc_build.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        staged = target / f".wwc_build.{os.getpid()}"
        staged.unlink(missing_ok=True)
        staged.symlink_to(build_file.parent.resolve(), target_is_directory=True)
        os.replace(staged, target / BUILD_LINK)
        yield


def build_args(
    seeds: Seeds,
    with_landing_files: bool,
    say: Callable[[str], None],
    skip: list[str] | None = None,
) -> list[str]:
    """`dbt build`'s arguments, on every target. The calibration tests check the published
    figures of the synthetic history, so they run only on the generator's unchanged seeds with
    no landing file on top. Everything excluded goes in one `--exclude` value, because
    dagster-dbt appends arguments of its own."""
    excluded = list(skip or [])
    if not seeds.synthetic_history:
        say("The seeds are not the generator's unchanged files: skipping calibration tests")
        excluded.insert(0, "tag:calibration")
    elif with_landing_files:
        say("Landing files are loaded on top of the synthetic history: skipping calibration tests")
        excluded.insert(0, "tag:calibration")
    return ["build", "--exclude", " ".join(excluded)] if excluded else ["build"]


def parse_manifest(build_file: Path, settings: Settings) -> int:
    """`dbt parse` for a build copy's path, into the settings' target folder: the manifest the
    Dagster definitions load, prepared against the path their runs pass, so the first run parses
    partially. Under the link's lock, as a build with that folder writes the same manifest.
    Returns dbt's exit code."""
    with linked_build_copy(build_file, settings):
        return run_dbt(["parse", "--quiet", *build_copy_args(build_file, settings)], settings)


def run_dbt(args: list[str], settings: Settings, target: str | None = None) -> int:
    """Run `dbt <args>` (with `database_args` for DuckDB) or on another target of profiles.yml
    (`postgres`, `spark`); return dbt's exit code.

    Another target keeps its own target folder (`<target>/<name>`), so its manifest and partial
    parse never replace the DuckDB ones Dagster reads from the target folder."""
    command = [dbt_executable(), *args, *PROJECT_ARGS]
    if target:
        command += ["--target", target, "--target-path", str(settings.dbt_target / target)]
    # subprocess.run kills and waits for dbt if this process is interrupted (SIGTERM becomes
    # SystemExit in wwc.cli); a kill that gives no chance to clean up reaches dbt through
    # PDEATHSIG. Either way dbt never outlives the writer lock this process holds.
    return subprocess.run(
        command,
        env=_environment(settings),
        cwd=PROJECT_ROOT,
        check=False,
        preexec_fn=_die_with_parent,
    ).returncode


def _environment(settings: Settings) -> dict[str, str]:
    """A dbt process's: this one's (PATH, HOME, ...), with the project's values from the
    settings."""
    env = dict(os.environ) | settings.dbt_environment()
    env.setdefault("DO_NOT_TRACK", "1")
    if not sys.stdout.isatty():
        env.setdefault("DBT_USE_COLORS", "false")
    return env


class DbtAhead:
    """dbt started before its build is due, for callers that have no long-lived process to keep
    dbt loaded: `wwc/dbt_worker.py` imports dbt at once and, once told (`parse`), parses the
    project while this process checks and loads the files on the other core; the build then runs
    on that manifest: `build` on the command line, or, under Dagster, the `dbt` command
    dagster-dbt starts (`serving`), whose executable, `wwc-dbt` (`wwc/dbt_client.py`), hands the
    build to the worker. From `parse` on, the target folder's lock (`linked_build_copy`) is held
    until the context ends, after the build was judged (or `serving` ends).

    `dagster_target`: the target folder of dagster-dbt's invocations, which the parse must write
    to and read from for its manifest to stand for the served build; None on the command line.

    As a context manager, on leaving: a worker that was told nothing is stopped (it has written
    nothing); one that is parsing finishes, so that it leaves no partial-parse file
    half-written; one still building when an error (or SIGTERM) ends the run is killed, as
    `run_dbt` kills dbt."""

    # A Dagster run worker's dbt, started with the worker, until the run's writer takes it. A
    # run worker runs one run, on one thread: the slot needs no lock.
    _waiting: ClassVar[DbtAhead | None] = None

    @classmethod
    @contextmanager
    def started_for_dagster_run(cls, read_settings: Callable[[], Settings]) -> Iterator[None]:
        """Around a Dagster run worker's whole run: its dbt, started before the run loads its
        code and its resources (about a second before the writer resource could start it, a
        second that dbt's import no longer adds to the dbt step), for `for_dagster_run` to take;
        stopped at the end as on leaving the context, whether the run took it or not."""
        try:
            settings = read_settings()
            ahead = cls(settings, dagster_target=settings.dagster_dbt_target)
        except Exception:  # only a head start: the writer starts dbt and fails with the reason
            yield
            return
        cls._waiting = ahead
        try:
            yield
        finally:
            if cls._waiting is ahead:
                cls._waiting = None
            ahead.close()

    @classmethod
    def for_dagster_run(cls, settings: Settings) -> DbtAhead:
        """The dbt started with this run worker, once, if it was for these settings; otherwise
        (a run in process, or a worker that read other settings) dbt started now."""
        ahead, cls._waiting = cls._waiting, None
        if ahead is not None and ahead._settings == settings:
            return ahead
        if ahead is not None:  # of no use to this run: stopped at once, not at the run's end
            ahead.close()
        return cls(settings, dagster_target=settings.dagster_dbt_target)

    def __init__(self, settings: Settings, dagster_target: Path | None = None):
        self._settings = settings
        self._lock = ExitStack()
        self._parsed = self._building = self._closed = False
        env = _environment(settings)
        self._for_dagster, self._serves = dagster_target is not None, False
        self._serve_command: dict[str, Any] = {}
        passed: list[int] = []
        if dagster_target is not None:
            # As dagster-dbt sets them for its dbt command (DbtCliResource.cli).
            env |= {
                "DBT_TARGET_PATH": str(dagster_target),
                "DBT_LOG_PATH": str(dagster_target),
                "DBT_LOG_FORMAT": "json",
                "DBT_PROJECT_DIR": str(PROJECT_ROOT),
            }
            passed = self._listen()
        try:
            self._worker = subprocess.Popen(
                [sys.executable, "-m", "wwc.dbt_worker"],
                stdin=subprocess.PIPE,
                env=env,
                cwd=PROJECT_ROOT,
                text=True,
                preexec_fn=_die_with_parent,
                pass_fds=passed,
            )
        except BaseException:  # no process: nothing of the socket's may stay behind
            if self._serves:
                for fd in (*passed, self._took):
                    os.close(fd)
                shutil.rmtree(self._socket_dir, ignore_errors=True)
            raise
        if self._serves:
            # Only the worker holds them: if it dies, a client is refused (and runs dbt itself)
            # instead of waiting for an answer that never comes, and `_took` reads as closed.
            os.close(passed[0])
            os.close(passed[1])
            # What a request must share with the parse for its manifest to stand.
            same = {"DBT_TARGET_PATH": str(dagster_target), "DBT_PROJECT_DIR": str(PROJECT_ROOT)}
            self._serve_command = {"serve": passed[0], "took": passed[1], "parsed_with": same}

    def _listen(self) -> list[int]:
        """The listening socket and the `took` pipe's write end for the worker, in a folder only
        this user can enter (whoever connects runs dbt as this user) with the link dagster-dbt
        runs as its dbt executable (`serving`); none where this machine cannot serve (a
        temporary folder too long for a socket's path, `wwc-dbt` not installed): the dbt step
        then runs dbt itself."""
        folder = Path(tempfile.mkdtemp(prefix="wwc-dbt-"))
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(str(folder / SOCKET))
            listener.listen(1)
            client = Path(dbt_client_executable())
            if not client.exists():
                raise FileNotFoundError(client)
            (folder / "dbt").symlink_to(client)
        except OSError:
            listener.close()
            shutil.rmtree(folder, ignore_errors=True)
            return []
        self._serves, self._socket_dir = True, folder
        self._took, took = os.pipe()
        return [listener.detach(), took]

    def __enter__(self) -> DbtAhead:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """What leaving the context does (see the class); once."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._parsed and not self._building:
                self._send(None)  # end of input: the worker exits after its parse
            else:
                self._worker.kill()
            self._worker.wait()
        except BaseException:  # a second signal while waiting for the parse: stop it now
            self._worker.kill()
            self._worker.wait()
            raise
        finally:
            self._lock.close()  # only once the worker has exited: it writes in the folder
            if self._serves:
                os.close(self._took)
                shutil.rmtree(self._socket_dir, ignore_errors=True)

    def parse(self, build_file: Path) -> None:
        """Parse now, for a build of `build_file` (once; later calls do nothing)."""
        if self._parsed:
            return
        self._lock.enter_context(linked_build_copy(build_file, self._settings))
        self._parsed = True
        # On the terminal, amid the landing checks: only its warnings and errors. No manifest
        # file: the build writes it when it ends, and the parse's took 0.2 s on the build's way.
        args = [
            "parse",
            "--log-level",
            "warn",
            "--no-write-json",
            *build_copy_args(build_file, self._settings),
        ]
        self._send(args)

    def build(self, args: list[str], build_file: Path) -> int:
        """Run `dbt <args>` on the parsed manifest; return dbt's exit code."""
        self.parse(build_file)
        self._building = True
        self._send(args)
        self._send(None)
        return self._worker.wait()

    @contextmanager
    def serving(self, build_file: Path) -> Iterator[Path]:
        """Gives the dbt executable for dagster-dbt: a link to `wwc-dbt` that runs its one
        build in the worker (on the parsed manifest), or this environment's dbt where this
        machine cannot serve (`_listen`). On leaving, a worker that took that command's request
        has exited (its exit closes the build copy); one that did not is stopped (even in the
        middle of its parse: the target folder is dagster-dbt's, whose partial parse dbt then
        redoes); then this ends as the context does."""
        if not self._for_dagster:
            raise ValueError("DbtAhead serves only with a dagster_target")
        self.parse(build_file)
        if self._serves:
            self._building = True
            self._send(self._serve_command)
        else:  # dbt runs itself, into the folder the parse writes: only after the parse ended
            self._send(None)
            self._worker.wait()
        try:
            yield self._socket_dir / "dbt" if self._serves else Path(dbt_executable())
            if self._serves and select.select([self._took], [], [], 0)[0]:  # took it, or died
                self._worker.wait()
        finally:
            self.close()

    def _send(self, command: list[str] | dict[str, Any] | None) -> None:
        """One command for the worker: dbt's arguments, or `serve`; or (None) the end of its
        input. A worker that already exited answers through its exit code."""
        stdin = self._worker.stdin
        assert stdin is not None
        try:
            if command is None:
                stdin.close()
                return
            if isinstance(command, list):
                command = [*command, *PROJECT_ARGS]
            stdin.write(json.dumps(command) + "\n")
            stdin.flush()
        except BrokenPipeError:
            pass


def _die_with_parent() -> None:
    """In the child, before exec: Linux's PR_SET_PDEATHSIG, so that the child is killed when
    the process that started it dies (and at once if that already happened)."""
    parent = os.getppid()
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # not glibc Linux: subprocess.run's own clean-up still applies
        return
    if os.getppid() != parent:
        os._exit(1)


@dataclass(frozen=True)
class Verdict:
    """What a failed `dbt build` says: the models and tests the data failed, or a fault of the
    machine (then `machine` says it in words and no file is to blame)."""

    failed: tuple[str, ...]
    machine: str | None


def verdict(exit_code: int, target_dir: Path, since: float) -> Verdict:
    """Read run_results.json of the dbt run that started at `since` (time.time())."""
    path = target_dir / "run_results.json"
    try:
        if path.stat().st_mtime < since:
            raise OSError("run_results.json is older than this run")
        results = json.loads(path.read_text())["results"]
    except (OSError, ValueError, KeyError, TypeError):
        return Verdict((), f"dbt stopped (exit {exit_code}) before it judged any model or test")
    failed: list[str] = []
    for result in results:
        if result.get("status") not in ("fail", "error"):
            continue
        kind, _, name = result["unique_id"].split(".")[:3]
        message = " ".join((result.get("message") or "").split())
        if is_machine_fault(message):
            return Verdict((), f"dbt {kind} {name}: {message[:300]}")
        if result["status"] == "fail":
            failed.append(f"dbt test {name} failed ({result.get('failures')} row(s))")
        else:
            failed.append(f"dbt {kind} {name}: {message[:300]}")
    if not failed:
        return Verdict((), f"dbt failed (exit {exit_code}) with no failing model or test")
    return Verdict(tuple(failed), None)


def run_seconds(target_dir: Path) -> float:
    """Execution time of the last dbt run (run_results.json), without start-up and parsing."""
    try:
        results = json.loads((target_dir / "run_results.json").read_text())
    except (OSError, ValueError):
        return 0.0
    return float(results.get("elapsed_time") or 0.0)
