"""The semantic layer (models/semantic/): MetricFlow validates it and answers from the session's
published warehouse through `wwc mf`, as the README shows; its figures agree with the reports,
which compute the same shares in their own SQL; it reads the file without changing it and asks
nothing of the network."""

from __future__ import annotations

import csv
import hashlib
import shlex
import socket
import threading
from pathlib import Path

import duckdb
import pytest

from support.commands import PROJECT_ROOT, Built, run_wwc

CURRENT = "{{ Dimension('assessment__is_current_standard') }}"


class ConnectRecorder:
    """A local HTTP(S) proxy that records who tried to reach the internet through it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.requests: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            connection, _ = self.server.accept()
            with connection:
                self.requests.append(connection.recv(200))


@pytest.fixture(scope="module")
def proxy() -> ConnectRecorder:
    return ConnectRecorder()


@pytest.fixture(scope="module")
def empty_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A TMPDIR of its own: dbt-metricflow's update check caches its answer in TMPDIR for a day,
    so an answer cached by an earlier `mf` would hide a check made now."""
    return tmp_path_factory.mktemp("tmp")


@pytest.fixture
def mf(built: Built, proxy: ConnectRecorder, empty_tmp: Path):
    """`wwc mf <args>` with every HTTP(S) request routed to the recorder."""

    def run_mf(*args: str) -> str:
        return _mf(built, proxy, empty_tmp, *args)

    return run_mf


def _mf(built: Built, proxy: ConnectRecorder, tmp: Path, *args: str) -> str:
    env = {"HTTPS_PROXY": proxy.url, "HTTP_PROXY": proxy.url, "TMPDIR": str(tmp)}
    run = run_wwc("mf", *args, warehouse=built.path, **env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert proxy.requests == [], "MetricFlow tried to reach the network"
    return run.stdout


def query(mf, tmp_path: Path, *args: str) -> list[dict]:
    out = tmp_path / "answer.csv"
    mf("query", *args, "--csv", str(out))
    with out.open(newline="") as f:
        return list(csv.DictReader(f))


def sql(built: Built, statement: str) -> list[tuple]:
    with duckdb.connect(str(built.path), read_only=True) as con:
        return con.execute(statement).fetchall()


def test_metricflow_validates_the_semantic_layer_against_the_warehouse(mf) -> None:
    out = mf("validate-configs")
    checked = ["the semantics of built manifest"] + [
        f"{what} against data warehouse"
        for what in ("semantic models", "dimensions", "entities", "measures", "metrics")
    ]
    for step in checked:
        assert f"Successfully validated {step} (ERRORS: 0, FUTURE_ERRORS: 0" in out, step
    listed = mf("list", "metrics")
    for metric in ("assessments", "cities", "share_met", "certified_cities"):
        assert f"• {metric}:" in listed


@pytest.mark.parametrize(
    ("saved_query", "dimension", "report"),
    [
        (
            "share_met_by_form_of_government",
            "form_of_government",
            "achievement_by_form_of_government",
        ),
        ("share_met_by_population_band", "population_band", "achievement_by_population_band"),
    ],
)
def test_share_met_by_group_agrees_with_the_report(
    built, mf, tmp_path, saved_query, dimension, report
) -> None:
    """share_met is a ratio of sums over current-standard assessments; the report pools the
    same criteria per practice area, so its totals over the areas give the same share."""
    answer = query(mf, tmp_path, "--saved-query", saved_query)
    from_report = {
        group: (met / results, cities, assessments)
        for group, met, results, cities, assessments in sql(
            built,
            f"select {dimension}, sum(criteria_met), sum(criterion_results), max(cities), "
            f"max(assessments) from reports.rpt_{report} group by 1",
        )
    }
    assert {row[f"city__{dimension}"] for row in answer} == set(from_report)
    for row in answer:
        share, cities, assessments = from_report[row[f"city__{dimension}"]]
        assert float(row["share_met"]) == pytest.approx(share, abs=1e-12)
        assert (int(row["cities"]), int(row["assessments"])) == (cities, assessments)


def test_certified_cities_by_year_and_level_and_the_headline_counts(built, mf, tmp_path):
    answer = query(mf, tmp_path, "--saved-query", "certification_by_year")
    expected = sql(
        built,
        "select assessment_year, certification_level, count(distinct city_id) "
        "from marts.fct_assessments where certification_level <> 'none' group by 1, 2",
    )
    got = {
        (int(r["assessment__assessment_year"]), r["assessment__certification_level"]): int(
            r["certified_cities"]
        )
        for r in answer
    }
    assert got == {(year, level): n for year, level, n in expected}
    years = [int(r["assessment__assessment_year"]) for r in answer]
    assert years == sorted(years)
    (totals,) = query(mf, tmp_path, "--metrics", "assessments,cities,share_met")
    [(assessments, cities, share)] = sql(
        built,
        "select count(*), count(distinct city_id), sum(criteria_met) / sum(criteria_total) "
        "from marts.fct_assessments",
    )
    assert (int(totals["assessments"]), int(totals["cities"])) == (assessments, cities)
    assert float(totals["share_met"]) == pytest.approx(share, abs=1e-12)


def test_queries_leave_the_published_file_as_it_was(built, mf, tmp_path) -> None:
    before = hashlib.sha256(built.path.read_bytes()).hexdigest()
    query(mf, tmp_path, "--metrics", "share_met", "--where", CURRENT)
    assert hashlib.sha256(built.path.read_bytes()).hexdigest() == before
    assert not built.path.with_name(built.path.name + ".wal").exists()


def test_the_readme_query_runs_as_written(built, mf) -> None:
    """The README's `mf query` (after `python3 -m uv run --frozen wwc`, this environment's wwc)
    answers with one row per form of government of the current-standard assessments."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    block = next(b for b in readme.split("```bash\n")[1:] if "wwc mf query" in b)
    command = shlex.split(block.split("```")[0].replace("\\\n", " "))
    assert command[:5] == ["python3", "-m", "uv", "run", "--frozen"]
    out = mf(*command[command.index("mf") + 1 :])
    governments = sql(
        built,
        "select distinct form_of_government from marts.fct_assessments join marts.dim_cities "
        "using (city_id) where is_current_standard",
    )
    lines = out.splitlines()
    for (government,) in governments:
        assert any(line.startswith(government + " ") for line in lines), government
