"""`wwc build --target postgres`: the same dbt project on a PostgreSQL server, published all
or nothing.

1. raw: the DuckDB loader assembles schema `raw` in memory (seeds, accepted landing files,
   load log; see `wwc.targets.raw`) and each table is copied with COPY into schema `raw` of the
   server, in one transaction (raw is the build's input; the reader role cannot see it);
2. every schema dbt writes (staging, intermediate, marts, semantic, reports) is built beside
   the published one, as `<schema>__wwc_next`: the read-only role (`WWC_PG_READER_ROLE`,
   default `wwc_reader`) gets USAGE on the new `marts` and `reports` and, through default
   privileges, SELECT on every table the build creates there; it gets nothing on `raw`;
3. one `dbt build --target postgres` (models, contracts, unit and data tests, calibration tests
   on the unchanged synthetic history) into those schemas;
4. only if it passed: in one transaction, each published schema is renamed aside, its new one
   renamed into place and the old one dropped. A reader's query sees either every old table or
   every new one, never a mix; a reader in the middle of a transaction keeps the old tables
   until it ends (the swap waits for it, at most `SWAP_LOCK_TIMEOUT`). A failed build leaves
   the published schemas untouched.

Connection settings come from the standard libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD
and PGDATABASE (read once into `Settings.postgres`, and passed on to dbt, whose profiles.yml
reads the same names); nothing secret lives in the project. The Great Expectations suites, the
storage-version check and the atomic file swap are the DuckDB file's gates: on PostgreSQL
dbt's tests and contracts are the gate.
"""

from __future__ import annotations

import json
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
# dbt's var that puts every schema beside the published one (macros/generate_schema_name.sql).
NEXT = "__wwc_next"
SWAP_LOCK_TIMEOUT = "5min"

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


def prepare_schemas(pg: psycopg2.extensions.connection, role: str, say: Say) -> None:
    """Fresh `<schema>__wwc_next` schemas for the build (any a failed build left are dropped),
    and the read-only role: USAGE on the new marts and reports, SELECT on every table the build
    user creates there (default privileges, which move with the schema), nothing on raw."""
    with pg.cursor() as cur:
        for schema in _schemas_like(cur, NEXT):
            cur.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(schema)))
        cur.execute("select 1 from pg_roles where rolname = %s", (role,))
        if cur.fetchone() is None:
            cur.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))
            say(f"Created role {role} (NOLOGIN: grant it to BI users' login roles)")
        for schema in PUBLIC_SCHEMAS:
            ident = sql.Identifier(schema + NEXT)
            reader = sql.Identifier(role)
            cur.execute(sql.SQL("create schema {}").format(ident))
            cur.execute(sql.SQL("grant usage on schema {} to {}").format(ident, reader))
            default = "alter default privileges in schema {} grant select on tables to {}"
            cur.execute(sql.SQL(default).format(ident, reader))
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


def _schemas_like(cur, suffix: str) -> list[str]:
    cur.execute(
        "select nspname from pg_namespace where right(nspname, %s) = %s order by 1",
        (len(suffix), suffix),
    )
    return [name for (name,) in cur.fetchall()]


def swap_in(pg: psycopg2.extensions.connection, say: Say) -> None:
    """Replace every published schema by its new build (each `<schema>__wwc_next` that
    `prepare_schemas` or dbt created) in one transaction."""
    with pg.cursor() as cur:
        cur.execute(f"set local lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
        schemas = [name.removesuffix(NEXT) for name in _schemas_like(cur, NEXT)]
        for schema in schemas:
            published, built, old = (
                sql.Identifier(schema + extra) for extra in ("", NEXT, "__wwc_old")
            )
            cur.execute("select 1 from pg_namespace where nspname = %s", (schema,))
            if cur.fetchone():
                cur.execute(sql.SQL("alter schema {} rename to {}").format(published, old))
                cur.execute(sql.SQL("alter schema {} rename to {}").format(built, published))
                cur.execute(sql.SQL("drop schema {} cascade").format(old))
            else:
                cur.execute(sql.SQL("alter schema {} rename to {}").format(built, published))
    pg.commit()
    say(f"Published schemas {', '.join(schemas)} together, in one transaction")


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
        prepare_schemas(pg, role, say)
        say(
            f"Running dbt build --target postgres into schemas <name>{NEXT} (models, "
            "contracts, unit and data tests)"
        )
        # raw is reloaded whole, so every model is rebuilt (the facts are incremental on DuckDB)
        args = [*build_args(seeds, with_landing, say), "--full-refresh"]
        args += ["--vars", json.dumps({"wwc_schema_suffix": NEXT})]
        code = run_dbt(args, settings, target=TARGET)
        if code != 0:
            raise BuildError(
                f"dbt build --target postgres failed (exit {code}); see the errors above. "
                "Nothing was published: the schemas readers see are unchanged."
            )
        swap_in(pg, say)
        grant_reader(pg, role)
        rows = count_rows(pg)
    except psycopg2.Error as exc:
        raise BuildError(f"PostgreSQL refused a step of the build: {str(exc).strip()}") from exc
    finally:
        pg.close()  # also releases the advisory lock
    return PostgresResult(connection, role, rows, time.perf_counter() - started)
