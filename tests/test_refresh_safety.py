"""A refresh killed mid-build, and readers holding the published file during a refresh."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import msgpack  # dbt's partial-parse format (dbt-core depends on it)
import pytest

from benchmarks.scale import write_scaled_seeds
from support.commands import WWC
from support.landing import landing_rows, write_landing
from support.processes import live_processes
from wwc.publish import copy_published

READER = r"""
import json, sys, time, pathlib, duckdb
path, stop, reconnect = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3] == "reconnect"
con = duckdb.connect(path, read_only=True)
seen, errors = [], []
while not stop.exists():
    try:
        if reconnect:
            con.close()
            con = duckdb.connect(path, read_only=True)
        n = con.execute("select count(*) from marts.fct_assessments").fetchone()[0]
        m = con.execute("select count(*) from marts.fct_criterion_results").fetchone()[0]
        seen.append([n, m])
    except Exception as exc:
        errors.append(repr(exc))
    time.sleep(0.05)
print(json.dumps({"seen": seen, "errors": errors}))
"""


def _env(warehouse: Path) -> dict[str, str]:
    return dict(
        os.environ,
        WWC_WAREHOUSE=str(warehouse),
        WWC_LANDING_SETTLE_SECONDS="0.1",
        PYTHONUNBUFFERED="1",
    )


def _count(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select count(*) from marts.fct_assessments").fetchone()[0]


def test_sigkill_mid_build_keeps_published_file_and_next_refresh_loads_once(built, tmp_path):
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copy2(built.path, warehouse)
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    landing = tmp_path / "landing"
    landing.mkdir()
    write_landing(landing / "new.csv", landing_rows("A2020-990", "C9990"))

    proc = subprocess.Popen(
        [WWC, "refresh"],
        env=_env(warehouse),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    for line in proc.stdout:
        if "START sql table model marts." in line:  # dbt is writing the build copy
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
    assert _count(warehouse) == 324
    assert (landing / "new.csv").exists()
    assert (tmp_path / ".wwc.duckdb.build").exists()  # the half-built copy, never published

    again = subprocess.run(
        [WWC, "refresh"], env=_env(warehouse), capture_output=True, text=True, check=False
    )
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr
    assert _count(warehouse) == 325
    assert not (tmp_path / ".wwc.duckdb.build").exists()
    third = subprocess.run(
        [WWC, "refresh"], env=_env(warehouse), capture_output=True, text=True, check=False
    )
    assert third.returncode == 0
    assert _count(warehouse) == 325
    assert len(list((tmp_path / "accepted").glob("*.csv"))) == 1


def test_readers_never_see_a_lock_error_or_a_half_built_state(built, tmp_path):
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copy2(built.path, warehouse)
    landing = tmp_path / "landing"
    landing.mkdir()
    write_landing(landing / "new.csv", landing_rows("A2020-991", "C9991"))
    stop = tmp_path / "stop"
    readers = {
        mode: subprocess.Popen(
            [sys.executable, "-c", READER, str(warehouse), str(stop), mode],
            stdout=subprocess.PIPE,
            text=True,
        )
        for mode in ("hold", "reconnect")
    }
    time.sleep(1.0)
    run = subprocess.run(
        [WWC, "refresh"], env=_env(warehouse), capture_output=True, text=True, check=False
    )
    time.sleep(1.0)
    stop.touch()
    results = {mode: json.loads(p.communicate(timeout=60)[0]) for mode, p in readers.items()}

    assert run.returncode == 0, run.stdout[-2000:] + run.stderr
    old, new = [324, 15155], [325, 15200]
    for result in results.values():
        assert result["errors"] == []
        assert result["seen"] and all(s in (old, new) for s in result["seen"])
    assert {tuple(s) for s in results["hold"]["seen"]} == {tuple(old)}
    reconnecting = results["reconnect"]["seen"]
    assert reconnecting[0] == old and reconnecting[-1] == new
    first_new = reconnecting.index(new)
    assert all(s == new for s in reconnecting[first_new:])


def _run(warehouse: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [WWC, "refresh", *args],
        env=_env(warehouse) | env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_run_stopped_between_accepting_and_publishing_is_finished_by_the_next(built, tmp_path):
    """The state a kill leaves after the batch's files moved to accepted/ and before the rename:
    the next refresh, with nothing new in landing, rebuilds and publishes them, once."""
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copy2(built.path, warehouse)
    (tmp_path / "landing").mkdir()
    write_landing(tmp_path / "landing" / "new.csv", landing_rows("A2020-991", "C9991"))
    assert _run(warehouse).returncode == 0
    assert _count(warehouse) == 325
    shutil.copy2(built.path, warehouse)  # the published file as it was before the rename
    assert _count(warehouse) == 324

    again = _run(warehouse)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr
    assert "does not hold exactly the current seeds and accepted files" in again.stdout
    assert _count(warehouse) == 325
    third = _run(warehouse)
    assert "Nothing new" in third.stdout
    assert _count(warehouse) == 325


def _descendants(pid: int) -> dict[int, str]:
    """The command lines of the processes below `pid` (its children, theirs, ...)."""
    live = live_processes().values()
    found, frontier = {}, {pid}
    while frontier:
        frontier = {p.pid for p in live if p.parent in frontier}
        found |= {p.pid: p.command for p in live if p.pid in frontier}
    return found


def _alive(pids: dict[int, str]) -> list[str]:
    """Which of these processes still run (a pid reused since would show another command)."""
    live = live_processes()
    return [
        command for pid, command in pids.items() if pid in live and live[pid].command == command
    ]


def _dbt_processes(warehouse: Path) -> list[int]:
    """The dbt processes (`wwc/dbt_worker.py`) of commands on this warehouse still running."""
    mark = f"WWC_WAREHOUSE={warehouse}\0".encode()
    return [
        p.pid
        for p in live_processes().values()
        if "wwc.dbt_worker" in p.command and mark in p.environment() + b"\0"
    ]


@pytest.mark.parametrize("batch", ["nothing new", "only a refused file"])
def test_a_refresh_with_nothing_to_build_leaves_dbt_stopped_and_its_folder_whole(
    built, tmp_path, batch
):
    """dbt starts with every command (`DbtAhead`): with nothing new it stops before it writes
    anything; with only a refused file it finishes the parse it began, so the partial-parse
    file it leaves is whole. Either way no dbt process outlives the command."""
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copy2(built.path, warehouse)
    (tmp_path / "landing").mkdir()
    if batch == "only a refused file":
        bad = landing_rows("A2020-990", "C9990")
        bad[2][6] = "maybe"  # not a status
        write_landing(tmp_path / "landing" / "bad.csv", bad)
    target = tmp_path / "target"
    env = _env(warehouse) | {"DBT_TARGET_PATH": str(target)}
    run = subprocess.run([WWC, "refresh"], env=env, capture_output=True, text=True, timeout=600)
    assert "Traceback" not in run.stdout + run.stderr
    assert _dbt_processes(warehouse) == []
    if batch == "nothing new":
        assert run.returncode == 0, run.stderr
        assert not target.exists()
    else:
        assert run.returncode == 1 and "bad.csv" in run.stderr
        parsed = msgpack.unpackb((target / "partial_parse.msgpack").read_bytes())
        assert "model.wwc.fct_criterion_results" in parsed["nodes"]


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL, "ctrl-c"])
def test_killing_refresh_stops_its_dbt_child(built, tmp_path, how):
    """SIGTERM and SIGKILL reach only the `wwc refresh` process, not its group: dbt must not go
    on writing outside the writer lock (SIGTERM: stopped and waited for; SIGKILL: the kernel's
    parent-death signal). Ctrl-C reaches the whole group: the command stops dbt and says so."""
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copy2(built.path, warehouse)
    before = _sha(warehouse)
    (tmp_path / "landing").mkdir()
    write_landing(tmp_path / "landing" / "new.csv", landing_rows("A2020-992", "C9992"))
    proc = subprocess.Popen(
        [WWC, "refresh"],
        env=_env(warehouse),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a group of its own, as a terminal gives a command
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "START sql" in line:  # dbt is running
            break
    children = _descendants(proc.pid)
    assert any("-m wwc.dbt_worker" in command for command in children.values())  # dbt's process
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(how)
    said = proc.stdout.read()
    proc.wait(timeout=60)
    if how == "ctrl-c":
        assert proc.returncode == 130 and "wwc refresh: interrupted" in said
        assert "Traceback" not in said
    deadline = time.monotonic() + 10
    while _alive(children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(children) == []
    assert _sha(warehouse) == before
    assert (tmp_path / "landing" / "new.csv").exists()
    if how == signal.SIGTERM:
        assert proc.returncode == 128 + signal.SIGTERM
    if how != signal.SIGKILL:
        assert not (tmp_path / ".wwc.duckdb.build").exists()
    again = _run(warehouse)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr
    assert _count(warehouse) == 325


LEAVE_A_WAL = """
import os, sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("create table main.scribble as select 42 as answer")
os._exit(0)  # no checkpoint: the write-ahead log stays beside the file
"""


def test_a_stale_wal_beside_the_published_file_is_removed_at_publish(built, tmp_path):
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copy2(built.path, warehouse)
    subprocess.run([sys.executable, "-c", LEAVE_A_WAL, str(warehouse)], check=True)
    wal = tmp_path / "wwc.duckdb.wal"
    assert wal.exists()
    (tmp_path / "landing").mkdir()
    write_landing(tmp_path / "landing" / "new.csv", landing_rows("A2020-993", "C9993"))
    run = _run(warehouse)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr
    assert f"Removed {wal}: a write-ahead log a read-write client left" in run.stdout
    assert not wal.exists()
    assert _count(warehouse) == 325  # readers open the new file


def test_landing_folders_that_would_fool_the_refresh_are_refused(built, tmp_path):
    """Faults that are no file's: nothing moves, the published file is unchanged, one message."""
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copy2(built.path, warehouse)
    before = _sha(warehouse)
    (tmp_path / "landing").mkdir()
    good = write_landing(tmp_path / "landing" / "new.csv", landing_rows("A2020-994", "C9994"))

    into_data = _run(warehouse, WWC_LANDING=str(tmp_path))
    assert into_data.returncode == 1
    assert f"the landing folder {tmp_path} is the data folder" in into_data.stderr
    mistyped = _run(warehouse, WWC_LANDING=str(tmp_path / "landnig"))
    assert mistyped.returncode == 1
    assert "(WWC_LANDING) does not exist" in mistyped.stderr
    assert not (tmp_path / "landnig").exists()
    (tmp_path / "quarantine").write_text("a file where the quarantine folder should be\n")
    blocked = _run(warehouse)
    assert blocked.returncode == 1
    assert f"cannot write in {tmp_path / 'quarantine'}" in blocked.stderr
    assert "Every file was left where it is" in blocked.stderr
    for run in (into_data, mistyped, blocked):
        assert "Traceback" not in run.stdout + run.stderr
        assert "was not changed" in run.stderr
    assert _sha(warehouse) == before
    assert list((tmp_path / "landing").iterdir()) == [good]


def _writes_limited_to(size: int):
    """For the child, before exec: writes past `size` bytes fail with EFBIG ("File too large"),
    as on a full disk (the signal that would kill the writer instead is ignored)."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


@pytest.mark.parametrize(
    "fault",
    [
        "the copy cannot be made",
        "a full build cannot write raw",
        "dbt cannot start",
        "disk full",
        "Data Docs cannot be written",
        "a Data Docs page cannot be written",
    ],
)
def test_faults_of_no_file_leave_every_file_in_landing(built, tmp_path, fault):
    """A build that fails for a reason no file causes blames no file: both stay in landing, the
    published file is unchanged, and the next run loads them. `wwc build` too, which loads raw
    into a new file."""
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copy2(built.path, warehouse)
    before = _sha(warehouse)
    landing = tmp_path / "landing"
    landing.mkdir()
    write_landing(landing / "a.csv", landing_rows("A2020-994", "C9994"))
    write_landing(landing / "b.csv", landing_rows("A2020-995", "C9995"))
    env, limit = _env(warehouse), None
    data_docs = tmp_path / "gx" / "data_docs"
    if fault == "dbt cannot start":
        env["DBT_LOG_PATH"] = "/proc/wwc-no-such-folder"  # dbt cannot open its log
    elif fault == "Data Docs cannot be written":  # the pages of the landing checks
        data_docs.parent.mkdir()
        data_docs.write_text("a file where the Data Docs folder should be\n")
    elif fault == "a Data Docs page cannot be written":  # GX logs it and goes on without it
        (data_docs / "validations").parent.mkdir(parents=True)
        (data_docs / "validations").write_text("a file where a folder of pages should be\n")
    elif fault == "the copy cannot be made":  # the refresh's copy of the published file
        limit = _writes_limited_to(warehouse.stat().st_size // 2)
    elif fault == "a full build cannot write raw":  # its new file, before dbt
        # The x100 history's raw tables outgrow 4 MB; dbt, started ahead, parses meanwhile, and
        # its log and partial parse (1.2 MB) fit, in folders of this test's own.
        write_scaled_seeds(100, tmp_path / "seeds_x100")
        limit = _writes_limited_to(4_000_000)
        env["DBT_LOG_PATH"] = str(tmp_path / "logs")
        env["DBT_TARGET_PATH"] = str(tmp_path / "target")
    else:
        limit = _writes_limited_to(warehouse.stat().st_size + 1_000_000)  # the copy cannot grow
        env["DBT_LOG_PATH"] = str(tmp_path / "logs")  # a fresh log: dbt's own writes fit
    if fault == "a full build cannot write raw":
        command = ["build", "--seeds", str(tmp_path / "seeds_x100")]
    else:
        command = ["refresh"]
    run = subprocess.run(
        [WWC, *command], env=env, preexec_fn=limit, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 1, run.stdout[-2000:]
    assert "Traceback" not in run.stdout + run.stderr
    assert "no file is to blame" in run.stderr.lower(), run.stderr
    if data_docs.is_file() or (data_docs / "validations").is_file():
        assert "Data Docs could not be written" in run.stderr
    if fault == "a Data Docs page cannot be written":  # GX's reason, without its traceback
        assert "NotADirectoryError: [Errno 20] Not a directory" in run.stderr, run.stderr
    if fault == "the copy cannot be made":
        assert f"could not copy {warehouse} to build on" in run.stderr, run.stderr
    if command[0] == "build":
        assert "could not load raw into the build copy" in run.stderr, run.stderr
    assert f"The published warehouse {warehouse} was not changed." in run.stderr
    assert sorted(p.name for p in landing.iterdir()) == ["a.csv", "b.csv"]
    assert list((tmp_path / "quarantine").glob("*.csv")) == []
    assert _sha(warehouse) == before
    for blocker in (data_docs, data_docs / "validations"):
        if blocker.is_file():
            blocker.unlink()
    again = _run(warehouse)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr
    assert _count(warehouse) == 326


@pytest.mark.parametrize("first", ["published", "quarantined"])
def test_a_fault_of_no_file_in_a_split_batch_says_what_was_moved(
    built, tmp_path, monkeypatch, first
):
    """A batch that fails the build is built again one file at a time. A fault of no file in the
    second file's run stops there: the message says what the command had published (the
    published warehouse holds it) and that what it had not moved waits in landing, where it is
    counted as left for the next run."""
    from support.dagster_runs import settings_for
    from wwc import pipeline
    from wwc.errors import BuildError
    from wwc.seeds_manifest import Seeds
    from wwc.settings import SEEDS_DIR

    warehouse = tmp_path / "wwc.duckdb"
    shutil.copy2(built.path, warehouse)
    landing = tmp_path / "landing"
    landing.mkdir()
    good = landing_rows("A2020-994", "C9994")
    # Passes the landing checks, fails dbt's invariant: 12 of 45 met earn no level.
    gold = [[*row[:4], "gold", *row[5:]] for row in landing_rows("A2020-995", "C9995")]
    write_landing(landing / "a.csv", good if first == "published" else gold)
    write_landing(landing / "b.csv", gold if first == "published" else good)
    copies: list[Path] = []

    def full_disk_at_the_third_copy(source: Path, target: Path) -> None:
        copies.append(target)  # the batch's, a.csv's alone, then b.csv's alone
        if len(copies) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        copy_published(source, target)

    monkeypatch.setattr(pipeline, "copy_published", full_disk_at_the_third_copy)
    said: list[str] = []
    run = pipeline.Run(settings_for(warehouse, settle_seconds=0), Seeds.at(SEEDS_DIR), said.append)
    with pytest.raises(BuildError) as failed:
        pipeline.run_stages(run)
    assert failed.value.nobodys, str(failed.value)
    assert "building with each on its own" in "\n".join(said)
    assert len(copies) == 3
    holds = (
        "holds the file(s) this command published before (a.csv) and was not changed since."
        if first == "published"
        else "was not changed."
    )
    assert str(failed.value).endswith(
        "No file is to blame: every new file this command had not yet moved to accepted or "
        f"quarantine was left in landing for the next run. The published warehouse {warehouse} "
        + holds
    ), str(failed.value)
    assert run.waiting == ["b.csv"]
    assert [p.name for p in landing.iterdir()] == ["b.csv"]
    quarantined = [p.name for p in (tmp_path / "quarantine").glob("*.csv")]
    if first == "published":
        assert [record.original_name for record in run.accepted] == ["a.csv"]
        assert quarantined == []
        assert _count(warehouse) == 325
    else:
        assert run.accepted == [] and [r.original_name for r in run.rejected] == ["a.csv"]
        assert len(quarantined) == 1
        assert _count(warehouse) == 324


@pytest.mark.parametrize("how", ["refused after a partial copy", "stops short"])
def test_a_copy_file_range_that_will_not_copy_falls_back_to_a_plain_copy(
    built, tmp_path, monkeypatch, how
):
    """Where copy_file_range(2) copies part of the file and is then refused (EINVAL, as some
    filesystems do), or stops short (returns 0), the refresh's copy of the published file is
    made again the plain way, byte for byte."""
    real, calls = os.copy_file_range, []

    def partial(source, target, count):
        calls.append(count)
        if len(calls) == 1:
            return real(source, target, min(count, 1 << 20))
        if how == "stops short":
            return 0
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))

    monkeypatch.setattr(os, "copy_file_range", partial)
    copy = tmp_path / "copy.duckdb"
    copy_published(built.path, copy)
    assert len(calls) == 2
    assert _sha(copy) == _sha(built.path)
