"""`wwc build --target postgres`: the same dbt project on a PostgreSQL server.

1. raw: the DuckDB loader assembles schema `raw` in memory (seeds, accepted landing files,
   load log; see `wwc.targets.raw`) and each table is copied with COPY into schema `raw` of the
   server, in one transaction;
2. the read-only role (`WWC_PG_READER_ROLE`, default `wwc_reader`) gets USAGE on `marts` and
   `reports` and, through default privileges, SELECT on every table the build creates there, so
   readers never meet a table they cannot read; it gets nothing on `raw`;
3. one `dbt build --target postgres` (models, contracts, unit and data tests, calibration tests
   on the unchanged synthetic history);
4. SELECT on the tables already in `marts` and `reports` (grants are idempotent), row counts.

Connection settings come from the standard libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD
and PGDATABASE (read once into `Settings.postgres`, and passed on to dbt, whose profiles.yml
reads the same names); nothing secret lives in the project. The
Great Expectations suites, the storage-version check and the atomic file swap are the DuckDB
file's gates: on PostgreSQL dbt's tests and contracts are the gate, and dbt swaps each table in
a transaction, so a reader sees either the old table or the new one.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from psycopg2 import sql

from wwc.dbt_runner import build_args, run_dbt
from wwc.errors import BuildError
from wwc.lock import LockedError
from wwc.publish import PUBLIC_SCHEMAS
from wwc.raw_format import RAW_SCHEMA
from wwc.seeds_manifest import Seeds
from wwc.settings import PostgresConnection, Settings
from wwc.targets.raw import RawTable, ScratchRaw, scratch_raw

Say = Callable[[str], None]
TARGET = "postgres"
# Key of the session-level advisory lock one build holds while it writes (`hashtext` of a name).
LOCK_NAME = "wwc build"

# DuckDB types of schema raw -> PostgreSQL types.
POSTGRES_TYPES = {
    "VARCHAR": "varchar",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}


@dataclass(frozen=True)
class PostgresResult:
    connection: PostgresConnection
    reader_role: str
    rows: dict[str, int]
    seconds: float


def connect(connection: PostgresConnection) -> psycopg2.extensions.connection:
    try:
        return psycopg2.connect(
            host=connection.host,
            port=connection.port,
            user=connection.user,
            password=connection.password or None,
            dbname=connection.dbname,
            connect_timeout=10,
            application_name="wwc build",
        )
    except psycopg2.OperationalError as exc:
        raise BuildError(
            f"cannot connect to PostgreSQL at {connection.describe()} (set PGHOST, PGPORT, "
            f"PGUSER, PGPASSWORD, PGDATABASE): {str(exc).strip()}"
        ) from exc


def _existing_columns(cur, table: str) -> list[tuple[str, str]]:
    cur.execute(
        """select attribute.attname, format_type(attribute.atttypid, attribute.atttypmod)
           from pg_attribute as attribute
           join pg_class as relation on attribute.attrelid = relation.oid
           join pg_namespace as namespace on relation.relnamespace = namespace.oid
           where namespace.nspname = %s and relation.relname = %s
             and attribute.attnum > 0 and not attribute.attisdropped
           order by attribute.attnum""",
        (RAW_SCHEMA, table),
    )
    return cur.fetchall()


def _postgres_columns(table: RawTable) -> list[tuple[str, str]]:
    columns = []
    for name, kind in table.columns:
        if kind not in POSTGRES_TYPES:
            raise BuildError(f"raw.{table.name}.{name}: no PostgreSQL type for DuckDB {kind}")
        columns.append((name, POSTGRES_TYPES[kind]))
    return columns


_CANONICAL = {
    "varchar": "character varying",
    "timestamp": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
}


def load_raw(pg: psycopg2.extensions.connection, raw: ScratchRaw, say: Say) -> None:
    """Replace every table of schema raw on the server with the scratch build's, in one
    transaction: a table of the same shape is truncated (views on it stay), another is
    recreated."""
    with tempfile.TemporaryDirectory(prefix="wwc-raw-") as folder, pg.cursor() as cur:
        cur.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(RAW_SCHEMA)))
        for table in raw.tables:
            ident = sql.Identifier(RAW_SCHEMA, table.name)
            columns = _postgres_columns(table)
            wanted = [(name, _CANONICAL.get(kind, kind)) for name, kind in columns]
            if _existing_columns(cur, table.name) == wanted:
                cur.execute(sql.SQL("truncate table {}").format(ident))
            else:
                cur.execute(sql.SQL("drop table if exists {} cascade").format(ident))
                cur.execute(
                    sql.SQL("create table {} ({})").format(
                        ident,
                        sql.SQL(", ").join(
                            sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind))
                            for name, kind in columns
                        ),
                    )
                )
            path = Path(folder) / f"{table.name}.csv"
            # DuckDB writes NULL as an empty field and '' as "": PostgreSQL's CSV reads the same.
            raw.con.execute(
                f"copy (select * from {RAW_SCHEMA}.\"{table.name}\") to '{path}' (header)"
            )
            with path.open(encoding="utf-8") as f:
                cur.copy_expert(
                    sql.SQL("copy {} from stdin with (format csv, header true)").format(ident),
                    f,
                )
            say(f"  raw.{table.name}: {cur.rowcount} rows")
    pg.commit()


def prepare_reader(pg: psycopg2.extensions.connection, role: str, say: Say) -> None:
    """The read-only role: USAGE on marts and reports, SELECT on every table the build user
    creates there from now on (default privileges), nothing on raw."""
    with pg.cursor() as cur:
        cur.execute("select 1 from pg_roles where rolname = %s", (role,))
        if cur.fetchone() is None:
            cur.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))
            say(f"Created role {role} (NOLOGIN: grant it to BI users' login roles)")
        for schema in PUBLIC_SCHEMAS:
            cur.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
            cur.execute(
                sql.SQL("grant usage on schema {} to {}").format(
                    sql.Identifier(schema), sql.Identifier(role)
                )
            )
            default = "alter default privileges in schema {} grant select on tables to {}"
            cur.execute(sql.SQL(default).format(sql.Identifier(schema), sql.Identifier(role)))
        cur.execute(
            sql.SQL("revoke all on schema {} from {}").format(
                sql.Identifier(RAW_SCHEMA), sql.Identifier(role)
            )
        )
        cur.execute(
            sql.SQL("revoke all on all tables in schema {} from {}").format(
                sql.Identifier(RAW_SCHEMA), sql.Identifier(role)
            )
        )
    pg.commit()


def grant_reader(pg: psycopg2.extensions.connection, role: str) -> None:
    """SELECT on the tables in marts and reports, including any a default privilege missed
    (made by another user); never INSERT, UPDATE, DELETE, TRUNCATE or CREATE."""
    with pg.cursor() as cur:
        for schema in PUBLIC_SCHEMAS:
            cur.execute(
                sql.SQL("grant select on all tables in schema {} to {}").format(
                    sql.Identifier(schema), sql.Identifier(role)
                )
            )
    pg.commit()


def count_rows(pg: psycopg2.extensions.connection) -> dict[str, int]:
    with pg.cursor() as cur:
        cur.execute(
            """select table_schema, table_name from information_schema.tables
               where table_schema = any(%s) order by table_schema, table_name""",
            (list(PUBLIC_SCHEMAS),),
        )
        relations = cur.fetchall()
        rows = {}
        for schema, name in relations:
            cur.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(schema, name)))
            rows[f"{schema}.{name}"] = cur.fetchone()[0]
    pg.commit()
    return rows


def build(settings: Settings, seeds: Seeds, say: Say = print) -> PostgresResult:
    """Load raw, build and test every model with dbt, grant the reader; see the module doc."""
    started = time.perf_counter()
    connection = settings.postgres
    role = settings.pg_reader_role
    say(f"Building on PostgreSQL {connection.describe()}")
    pg = connect(connection)
    try:
        with pg.cursor() as cur:
            cur.execute("select pg_try_advisory_lock(hashtext(%s))", (LOCK_NAME,))
            if not cur.fetchone()[0]:
                raise LockedError(
                    f"another wwc build is writing {connection.describe()}; try again when it "
                    "has finished"
                )
        pg.commit()
        say(f"Loading raw files from {seeds.folder} and the accepted landing files")
        with scratch_raw(settings, seeds) as raw:
            load_raw(pg, raw, say)
            with_landing = raw.landing_files > 0
        prepare_reader(pg, role, say)
        say("Running dbt build --target postgres (models, contracts, unit and data tests)")
        # raw is reloaded whole, so every model is rebuilt (the facts are incremental on DuckDB)
        args = [*build_args(seeds, with_landing, say), "--full-refresh"]
        code = run_dbt(args, settings, target=TARGET)
        if code != 0:
            raise BuildError(
                f"dbt build --target postgres failed (exit {code}); see the errors "
                "above. Tables dbt had already swapped in stay; the others are "
                "as they were."
            )
        grant_reader(pg, role)
        rows = count_rows(pg)
    except psycopg2.Error as exc:
        raise BuildError(f"PostgreSQL refused a step of the build: {str(exc).strip()}") from exc
    finally:
        pg.close()  # also releases the advisory lock
    return PostgresResult(connection, role, rows, time.perf_counter() - started)
