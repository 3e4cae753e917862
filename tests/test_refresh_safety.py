"""A refresh killed mid-build, and readers holding the published file during a refresh."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from support.commands import WWC
from support.landing import landing_rows, write_landing

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
