"""Schema `raw` for another engine, assembled by the same loader as the DuckDB build.

The seeds and every accepted landing file are loaded exactly as `wwc build` loads them (format
checks, restatements, load log), into a scratch in-memory DuckDB; each engine then copies those
tables into its own `raw` schema. One loader, one set of rules, whatever the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from wwc.dbt_runner import project_fingerprint
from wwc.landing.files import accepted_files
from wwc.raw_format import RAW_SCHEMA
from wwc.raw_loader import assemble_raw
from wwc.seeds_manifest import Seeds
from wwc.settings import Settings


@dataclass(frozen=True)
class RawTable:
    name: str
    columns: list[tuple[str, str]]  # (column name, DuckDB type)


@dataclass
class ScratchRaw:
    con: duckdb.DuckDBPyConnection
    counts: dict[str, int]
    landing_files: int
    tables: list[RawTable]


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[RawTable]:
    rows = con.execute(
        """select table_name, column_name, data_type
           from information_schema.columns
           where table_schema = ?
           order by table_name, ordinal_position""",
        [RAW_SCHEMA],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        tables.setdefault(table, []).append((column, kind))
    return [RawTable(name, columns) for name, columns in tables.items()]


@contextmanager
def scratch_raw(settings: Settings, seeds: Seeds) -> Iterator[ScratchRaw]:
    """The build's raw schema (seeds, then accepted landing files, plus lineage) in memory."""
    with duckdb.connect() as con:
        counts = assemble_raw(
            con, seeds, settings.accepted, settings.quarantine, project_fingerprint()
        )
        landing = len(accepted_files(settings.accepted))
        yield ScratchRaw(con, counts, landing, raw_tables(con))
