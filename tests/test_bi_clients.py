"""Real BI clients, each in its own process, open the published file read-only: Node on
@duckdb/node-api (1.4.0, the 1.4.2 Evidence resolves, the latest 1.x), Evidence's own DuckDB
connector, and the DuckDB CLI from PyPI (1.4.4 and the latest). Each reads a mart, a view and a
column comment, and none may write. The tests install the clients themselves (npm, uv)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from support.bi_tools import (
    CLIENTS,
    DUCKDB_CLI_VERSIONS,
    EVIDENCE_CONNECTOR,
    EVIDENCE_NODE_API,
    NODE_API_VERSIONS,
    duckdb_cli,
    node_json,
    npm_install,
    run,
)
from support.commands import PROJECT_ROOT, Built

EXAMPLES = PROJECT_ROOT / "examples"
COMMENT_SQL = (
    "select comment from duckdb_columns() where schema_name = 'marts' "
    "and table_name = 'dim_cities' and column_name = 'population_band'"
)
LEVELS_SQL = (
    "select latest_certification_level as level, count(*)::integer as cities "
    "from marts.dim_cities group by 1 order by 1"
)


@pytest.fixture(scope="module")
def expected(built: Built) -> dict:
    """What the clients must read, as DuckDB's Python client reads it."""
    with duckdb.connect(str(built.path), read_only=True) as con:
        return {
            "levels": [{"level": lv, "cities": n} for lv, n in con.execute(LEVELS_SQL).fetchall()],
            "comment": con.execute(COMMENT_SQL).fetchone()[0],
            "view": con.execute("select count(*) from staging.stg_wwc__cities").fetchone()[0],
        }


@pytest.fixture(scope="module")
def node_api(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """node_modules folders, one per @duckdb/node-api version."""
    root = tmp_path_factory.mktemp("node")
    return {v: npm_install(root / v, f"@duckdb/node-api@{v}") for v in NODE_API_VERSIONS}


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The DuckDB CLI from PyPI, one virtual environment per version."""
    root = tmp_path_factory.mktemp("duckdb-cli")
    return {v: duckdb_cli(root, v) for v in DUCKDB_CLI_VERSIONS}


@pytest.mark.parametrize("version", NODE_API_VERSIONS)
def test_node_api_reads_a_mart_a_view_and_a_comment_read_only(
    version: str, node_api: dict[str, Path], built: Built, expected: dict
) -> None:
    out = node_json(str(CLIENTS / "node_read.mjs"), str(node_api[version]), str(built.path))

    assert out["nodeApi"] == version
    assert out["engine"] == "v" + version.split("-")[0]
    assert out["levels"] == expected["levels"]
    assert out["view"] == [{"n": expected["view"]}]
    assert out["comment"] == [{"comment": expected["comment"]}]
    assert out["tableComment"][0]["comment"].startswith("Which criteria cities meet most")
    assert "read-only" in out["writeError"]


def test_evidence_connector_runs_the_example_source_queries(tmp_path: Path, built: Built) -> None:
    """Evidence's DuckDB connector, as `npm run sources` calls it, on examples/evidence."""
    modules = npm_install(
        tmp_path / "evidence", EVIDENCE_CONNECTOR, f"@duckdb/node-api@{EVIDENCE_NODE_API}"
    )
    source = tmp_path / "project" / "sources" / "wwc"
    shutil.copytree(EXAMPLES / "evidence" / "sources" / "wwc", source)
    (source / "wwc.duckdb").symlink_to(built.path)  # the README's `ln -s`
    queries = sorted(source.glob("*.sql"))
    assert len(queries) >= 2

    with duckdb.connect(str(built.path), read_only=True) as con:
        for query in queries:
            out = node_json(
                str(CLIENTS / "evidence_source.mjs"), str(modules), str(source), str(query)
            )
            assert out["connector"] == EVIDENCE_CONNECTOR.rsplit("@", 1)[1]
            assert out["nodeApi"] == EVIDENCE_NODE_API
            assert out["connection"] is True
            cursor = con.execute(query.read_text())
            names = [d[0] for d in cursor.description]
            want = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            assert want, query.name
            assert [c["name"] for c in out["columnTypes"]] == names
            assert out["expectedRowCount"] == len(want)
            assert out["rows"] == want, query.name  # JSON round-trips doubles exactly


@pytest.mark.parametrize("version", DUCKDB_CLI_VERSIONS)
def test_duckdb_cli_reads_a_mart_a_view_and_a_comment_read_only(
    version: str, cli: dict[str, Path], built: Built, expected: dict
) -> None:
    binary = str(cli[version])
    sql = (
        f"pragma version; {LEVELS_SQL}; {COMMENT_SQL}; "
        "select count(*) as n from staging.stg_wwc__cities;"
    )
    done = run([binary, "-readonly", "-json", str(built.path), "-c", sql])
    results = json_documents(done.stdout)
    assert results[0][0]["library_version"] == f"v{version}"
    assert results[1] == expected["levels"]
    assert results[2] == [{"comment": expected["comment"]}]
    assert results[3] == [{"n": expected["view"]}]

    write = run_failing([binary, "-readonly", str(built.path), "-c", "create table x as select 1"])
    assert "read-only" in write


def json_documents(text: str) -> list:
    """The CLI's -json mode prints one JSON array per statement, over several lines."""
    decoder, documents, at = json.JSONDecoder(), [], 0
    while at < len(text.rstrip()):
        document, at = decoder.raw_decode(text, at)
        documents.append(document)
        while at < len(text) and text[at].isspace():
            at += 1
    return documents


def run_failing(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    return done.stdout + done.stderr


def test_example_queries_run_in_the_oldest_duckdb_cli(cli: dict[str, Path], built: Built) -> None:
    binary = str(cli[DUCKDB_CLI_VERSIONS[0]])
    queries = sorted((EXAMPLES / "queries").glob("*.sql"))
    assert len(queries) >= 5
    for query in queries:
        done = run([binary, "-readonly", "-csv", str(built.path), "-c", f".read {query}"])
        assert "Error" not in done.stderr, (query.name, done.stderr)
        assert len(done.stdout.strip().splitlines()) >= 2, query.name  # header and a row


def test_parquet_export_reads_in_the_oldest_duckdb_cli(cli: dict[str, Path], built: Built) -> None:
    folder = built.path.parent / "parquet"
    manifest = json.loads((folder / "manifest.json").read_text())
    binary = str(cli[DUCKDB_CLI_VERSIONS[0]])
    sql = (
        "select filename as file, count(*) as rows "
        f"from read_parquet('{folder}/**/*.parquet', filename = true, union_by_name = true) "
        "group by all order by file"
    )
    done = run([binary, "-json", "-c", sql])
    counted = {r["file"]: r["rows"] for r in json.loads(done.stdout)}
    expected_rows = {f"{folder}/{f['file']}": f["rows"] for f in manifest["files"] if f["rows"]}
    assert counted == expected_rows
