"""`wwc refresh` and Dagster run the same stages, so the same landing files end the same way:
the same files accepted, the same quarantined with the same reasons, the same published marts.

Three batches go through both paths, each path on its own copy of the built warehouse:
1. a good file and one that fails the landing checks: the good one is published;
2. a file that renames a known city without its other attributes, and a copy of the good file:
   the first is quarantined by the landing checks (a row that describes its city gives all five
   city columns; before that rule it passed them and failed dbt's not-null tests), the second is
   set aside as a duplicate; nothing is published;
3. a file that passes every landing rule but declares a level its criteria met do not earn, and
   a good file: dbt's invariant fails with the first, which is quarantined with the failing test
   named (the command line builds each file of the failed batch on its own; each Dagster run
   takes only the file its sensor request names); the good file is published.
The command line runs as a subprocess; Dagster as its daemon would: the landing sensor ticks
until the files settle and each run it requests executes in process.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from support.commands import Built, refresh
from support.dagster_runs import definitions_for, run_sensor_requests, settings_for
from support.landing import landing_rows, write_landing


def _write_batch(landing: Path, batch: int) -> None:
    if batch == 1:
        write_landing(landing / "good.csv", landing_rows("A2020-930", "C9930", met=14))
        bad = landing_rows("A2020-931", "C9931")
        bad[2][6] = "maybe"
        write_landing(landing / "bad.csv", bad)
    elif batch == 2:
        renamed = landing_rows("A2020-932", "C0001", met=14, new_city=False)
        renamed[0][7] = "Renamed Only"  # city_name, and no other city attribute
        write_landing(landing / "breaks_build.csv", renamed)
        write_landing(landing / "good again.csv", landing_rows("A2020-930", "C9930", met=14))
    else:
        gold = [row[:4] + ["gold"] + row[5:] for row in landing_rows("A2020-933", "C9933")]
        write_landing(landing / "declares gold.csv", gold)  # 12 of 45 met earn no level
        write_landing(landing / "innocent.csv", landing_rows("A2020-934", "C9934", met=14))


def _normalized(reason: str, root: Path) -> str:
    """Without what differs by design between the two runs: their folders and clocks."""
    return re.sub(r"\d{4}-\d{2}-\d{2}T[\d:.]+Z", "<time>", reason.replace(str(root), "<root>"))


def _outcome(warehouse: Path) -> dict:
    """What a run left behind: accepted and quarantined files (with their reasons, the root
    folder and times replaced), what is still in landing, and the published rows."""
    root = warehouse.parent

    def records(folder: str) -> dict[str, tuple[str, list[str]]]:
        found = {}
        for sidecar in sorted((root / folder).glob("*.json")):
            record = json.loads(sidecar.read_text())
            reasons = [_normalized(reason, root) for reason in record["reasons"]]
            found[record["original_name"]] = (record["outcome"], reasons)
        return found

    with duckdb.connect(str(warehouse), read_only=True) as con:
        relations = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('marts', 'reports') order by 1"
        ).fetchall()
        rows = {
            name: con.execute(f"select count(*) from {name}").fetchone()[0] for (name,) in relations
        }
        loaded = con.execute(
            "select file_name, outcome from marts.fct_landing_files order by 1"
        ).fetchall()
    return {
        "accepted": records("accepted"),
        "quarantined": records("quarantine"),
        "left_in_landing": sorted(p.name for p in (root / "landing").iterdir()),
        "rows": rows,
        "load_log": loaded,
        "build_copy_left": (root / f".{warehouse.name}.build").exists(),
    }


@pytest.fixture(scope="module")
def outcomes(built: Built, dbt_manifest, tmp_path_factory) -> dict[str, list[dict]]:
    import dagster as dg

    warehouses = {}
    for path in ("cli", "dagster"):
        warehouse = tmp_path_factory.mktemp(path) / "wwc.duckdb"
        shutil.copy2(built.path, warehouse)
        (warehouse.parent / "landing").mkdir()
        warehouses[path] = warehouse
    defs = definitions_for(settings_for(warehouses["dagster"], settle_seconds=0.1))
    instance = dg.DagsterInstance.ephemeral()
    found: dict[str, list[dict]] = {"cli": [], "dagster": [], "cli_runs": [], "dagster_runs": []}
    for batch in (1, 2, 3):
        for warehouse in warehouses.values():
            _write_batch(warehouse.parent / "landing", batch)
        found["cli_runs"].append(refresh(warehouses["cli"]))
        found["dagster_runs"].append(run_sensor_requests(defs, instance))
        for path, warehouse in warehouses.items():
            found[path].append(_outcome(warehouse))
    return found


def test_both_paths_end_each_batch_the_same_way(outcomes) -> None:
    pairs = zip(outcomes["cli"], outcomes["dagster"], strict=True)
    for batch, (cli, dagster) in enumerate(pairs, start=1):
        for key in cli:
            assert dagster[key] == cli[key], f"batch {batch}: {key}"


def test_the_first_batch_publishes_the_good_file_and_quarantines_the_bad_one(outcomes) -> None:
    first = outcomes["cli"][0]
    assert list(first["accepted"]) == ["good.csv"]
    outcome, reasons = first["quarantined"]["bad.csv"]
    assert outcome == "rejected"
    assert any("status must be 'met' or 'not met'" in reason for reason in reasons)
    assert first["rows"]["marts.fct_assessments"] == 325
    assert first["left_in_landing"] == [] and not first["build_copy_left"]
    assert outcomes["cli_runs"][0].returncode == 1  # a file was quarantined
    runs = outcomes["dagster_runs"][0]
    assert runs and all(run.success for run in runs)  # one requested run per settled file


def test_a_partial_city_description_is_refused_in_both_paths(outcomes) -> None:
    before, after = outcomes["cli"][:2]
    outcome, reasons = after["quarantined"]["breaks_build.csv"]
    assert outcome == "rejected"
    assert any("a row that describes its city must give all of" in r for r in reasons), reasons
    assert after["quarantined"]["good again.csv"][0] == "duplicate"
    assert after["rows"] == before["rows"]  # nothing published
    assert after["left_in_landing"] == [] and not after["build_copy_left"]
    assert outcomes["cli_runs"][1].returncode == 1
    assert "Running dbt build" not in outcomes["cli_runs"][1].stdout
    runs = outcomes["dagster_runs"][1]
    assert runs and all(run.success for run in runs)


def test_a_file_that_fails_dbt_is_blamed_alone_in_both_paths(outcomes) -> None:
    before, after = outcomes["cli"][1:]
    outcome, reasons = after["quarantined"]["declares gold.csv"]
    assert outcome == "rejected"
    assert reasons == [
        "passed the landing checks, but the warehouse cannot be built with it: dbt test "
        "assert_certification_level_follows_share_met failed (1 row(s))"
    ]
    assert "innocent.csv" in after["accepted"]
    assert after["rows"]["marts.fct_assessments"] == before["rows"]["marts.fct_assessments"] + 1
    assert after["left_in_landing"] == [] and not after["build_copy_left"]
    cli = outcomes["cli_runs"][2]
    assert cli.returncode == 1
    assert "building with each on its own to find the one to blame" in cli.stdout
    runs = outcomes["dagster_runs"][2]
    assert [run.success for run in runs] == [False, True]  # one file per run, in name order
