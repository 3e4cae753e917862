"""The same dbt project on a real PostgreSQL server: `wwc build --target postgres` on a throwaway
server (tests/support/pg_server.py), every mart and report equal to the DuckDB build row for
row, and a read-only role that reads marts and reports and nothing else."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psycopg2
import pytest

from support.commands import WWC, Built, Run, refresh
from support.landing import landing_rows, write_landing
from support.pg_server import Server, throwaway_server
from support.warehouse_compare import assert_same_relation, same_type

pytestmark = pytest.mark.postgres

DATABASE = "wwc"
READER = "wwc_reader"
ANALYST = "wwc_test_analyst"
PUBLIC_SCHEMAS = ("marts", "reports")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with throwaway_server() as running:
        running.create_database(DATABASE)
        yield running


def wwc_postgres(server: Server, warehouse: Path, *args: str, **env: str) -> Run:
    environment = dict(os.environ, WWC_WAREHOUSE=str(warehouse), **server.env(DATABASE), **env)
    done = subprocess.run(
        [WWC, "build", "--target", "postgres", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def pg_built(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Run:
    warehouse = tmp_path_factory.mktemp("pg-build") / "wwc.duckdb"
    run = wwc_postgres(server, warehouse)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-3000:]
    return run


def pg_connect(server: Server, user: str | None = None):
    return psycopg2.connect(
        host=server.host, port=server.port, user=user or server.user, dbname=DATABASE
    )


def relations_duckdb(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        """select table_schema || '.' || table_name, column_name, data_type
           from information_schema.columns where table_schema in ('marts', 'reports')
           order by table_schema, table_name, ordinal_position"""
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for relation, column, kind in rows:
        out.setdefault(relation, []).append((column, kind))
    return out


def relations_postgres(cur) -> dict[str, list[tuple[str, str]]]:
    cur.execute(
        """select table_schema || '.' || table_name, column_name, data_type
           from information_schema.columns where table_schema in ('marts', 'reports')
           order by table_schema, table_name, ordinal_position"""
    )
    out: dict[str, list[tuple[str, str]]] = {}
    for relation, column, kind in cur.fetchall():
        out.setdefault(relation, []).append((column, kind))
    return out


def test_postgres_build_passes_every_dbt_test_and_contract(pg_built: Run) -> None:
    assert "Completed successfully" in pg_built.stdout
    assert " ERROR=0 " in pg_built.stdout and " SKIP=0 " in pg_built.stdout
    assert "Built on PostgreSQL" in pg_built.stdout
    # The calibration tests ran too (unchanged synthetic history, no landing file).
    assert "skipping calibration tests" not in pg_built.stdout
    assert "assert_certified_cities_by_cohort" in pg_built.stdout


def test_every_mart_and_report_equals_the_duckdb_build(
    built: Built, pg_built: Run, server: Server
) -> None:
    duck = duckdb.connect(str(built.path), read_only=True)
    pg = pg_connect(server)
    try:
        with pg.cursor() as cur:
            duck_relations = relations_duckdb(duck)
            pg_relations = relations_postgres(cur)
            assert sorted(pg_relations) == sorted(duck_relations)
            assert len(duck_relations) >= 13
            for relation, duck_columns in duck_relations.items():
                pg_columns = pg_relations[relation]
                assert [c for c, _ in pg_columns] == [c for c, _ in duck_columns], relation
                for (column, duck_kind), (_, pg_kind) in zip(duck_columns, pg_columns, strict=True):
                    assert same_type(duck_kind, pg_kind), (
                        f"{relation}.{column}: DuckDB {duck_kind}, PostgreSQL {pg_kind}"
                    )
                names = ", ".join(f'"{c}"' for c, _ in duck_columns)
                cur.execute(f"select {names} from {relation}")
                assert_same_relation(
                    relation,
                    [c for c, _ in duck_columns],
                    duck.execute(f"select {names} from {relation}").fetchall(),
                    cur.fetchall(),
                    "PostgreSQL",
                )
    finally:
        pg.close()
        duck.close()


@pytest.fixture(scope="module")
def analyst(server: Server, pg_built: Run) -> str:
    """A BI user's login role: a member of the read-only role and nothing else."""
    admin = pg_connect(server)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"create role {ANALYST} login in role {READER}")
    admin.close()
    return ANALYST


def denied(server: Server, user: str, statement: str) -> bool:
    con = pg_connect(server, user)
    try:
        with con.cursor() as cur:
            cur.execute(statement)
    except psycopg2.errors.InsufficientPrivilege:
        return True
    finally:
        con.close()
    return False


def test_reader_role_reads_marts_and_reports(server: Server, analyst: str) -> None:
    con = pg_connect(server, analyst)
    try:
        with con.cursor() as cur:
            cur.execute("select count(*) from marts.fct_criterion_results")
            assert cur.fetchone()[0] == 15155
            cur.execute("select count(*) from reports.rpt_certification_levels_by_year")
            assert cur.fetchone()[0] == 3
            cur.execute("select has_schema_privilege('raw', 'usage')")
            assert cur.fetchone()[0] is False
    finally:
        con.close()


@pytest.mark.parametrize(
    "statement",
    [
        "select * from raw.assessments",
        "select * from raw.criterion_results",
        "select * from staging.stg_wwc__assessments",
        "insert into marts.dim_cities (city_id, city_name, state_code, latest_certification_level)"
        " values ('X1', 'Nowhere', 'OR', 'none')",
        "update marts.fct_assessments set certification_level = 'gold'",
        "delete from reports.rpt_criterion_prevalence",
        "truncate marts.fct_criterion_results",
        "drop table marts.dim_criteria",
        "alter table marts.dim_cities add column note varchar",
        "create table marts.scratch (x integer)",
        "create table reports.scratch (x integer)",
        "create table raw.scratch (x integer)",
        "insert into raw.cities (city_id) values ('X1')",
    ],
)
def test_reader_role_cannot_write_nor_read_raw(
    server: Server, analyst: str, statement: str
) -> None:
    assert denied(server, analyst, statement)


def test_rebuild_keeps_the_reader_and_a_second_writer_is_turned_away(
    server: Server, analyst: str, tmp_path: Path
) -> None:
    holder = pg_connect(server)
    try:
        with holder.cursor() as cur:
            cur.execute("select pg_advisory_lock(hashtext('wwc build'))")
        refused = wwc_postgres(server, tmp_path / "wwc.duckdb")
        assert refused.returncode == 1
        assert "another wwc build is writing" in refused.stderr
    finally:
        holder.close()
    again = wwc_postgres(server, tmp_path / "wwc.duckdb")
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-2000:]
    con = pg_connect(server, analyst)
    try:
        with con.cursor() as cur:
            cur.execute("select count(*) from marts.fct_assessments")
            assert cur.fetchone()[0] == 324
    finally:
        con.close()
    assert denied(server, analyst, "select * from raw.assessments")


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    environment = dict(
        os.environ,
        WWC_WAREHOUSE=str(tmp_path / "wwc.duckdb"),
        PGHOST="127.0.0.1",
        PGPORT="1",
        PGUSER="nobody",
        PGDATABASE="wwc",
    )
    done = subprocess.run(
        [WWC, "build", "--target", "postgres"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "cannot connect to PostgreSQL at postgresql://nobody@127.0.0.1:1/wwc" in done.stderr
    assert "PGHOST" in done.stderr


# Equal in every published state: the report counts each assessment of the mart once.
CONSISTENT = """select (select count(*) from marts.fct_assessments),
    (select sum(assessments) from reports.rpt_certification_levels_by_year)"""


def test_a_reader_never_sees_old_and_new_tables_mixed(
    server: Server, built: Built, analyst: str, tmp_path: Path
) -> None:
    """Rebuild with one more assessment while a BI user queries a mart and a report in a loop:
    each query sees both old or both new (the build swaps its schemas in one transaction), and
    a failed build changes nothing."""
    warehouse = tmp_path / "wwc.duckdb"
    shutil.copy2(built.path, warehouse)
    (tmp_path / "landing").mkdir()
    write_landing(tmp_path / "landing" / "one.csv", landing_rows("A2020-970", "C9970", met=20))
    accepted = refresh(warehouse)  # stores the file in accepted/, which the next build replays
    assert accepted.returncode == 0, accepted.stderr
    assert wwc_postgres(server, tmp_path / "first" / "wwc.duckdb").returncode == 0

    seen: list[tuple[int, int]] = []
    errors: list[str] = []
    stop = threading.Event()

    def read() -> None:
        con = pg_connect(server, analyst)
        con.autocommit = True
        with con.cursor() as cur:
            while not stop.is_set():
                try:
                    cur.execute(CONSISTENT)
                    seen.append(cur.fetchone())
                except psycopg2.Error as exc:
                    errors.append(str(exc))
        con.close()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        rebuilt = wwc_postgres(server, warehouse)
    finally:
        stop.set()
        reader.join()
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:] + rebuilt.stderr[-2000:]
    assert "in one transaction" in rebuilt.stdout
    assert not errors, errors[:3]
    assert all(assessments == reported for assessments, reported in seen), sorted(set(seen))
    assert seen[0] == (324, 324) and seen[-1] == (325, 325), (seen[0], seen[-1])

    # An accepted file whose declared level its criteria do not earn: a dbt test fails.
    broken = tmp_path / "broken"
    shutil.copytree(tmp_path / "accepted", broken / "accepted")
    (stored,) = (broken / "accepted").glob("*.csv")
    rows = landing_rows("A2020-970", "C9970")  # 12 of 45 met earn no level
    write_landing(stored, [row[:4] + ["gold"] + row[5:] for row in rows])
    failing = wwc_postgres(server, broken / "wwc.duckdb")
    assert failing.returncode == 1, failing.stdout[-2000:]
    assert "assert_certification_level_follows_share_met" in failing.stdout
    assert "Nothing was published" in failing.stderr
    with pg_connect(server, analyst) as con, con.cursor() as cur:
        cur.execute(CONSISTENT)
        assert cur.fetchone() == (325, 325)
