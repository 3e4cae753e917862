"""Load the raw CSV files into schema `raw` of a (new) build file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from wwc.raw_format import ENTITIES, RAW_SCHEMA


class RawFormatError(ValueError):
    """A raw CSV file does not match the documented format."""


def _columns_literal(columns: dict[str, str]) -> str:
    # Built from the constants in raw_format, never from user input.
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"


def load_seed_files(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> dict[str, int]:
    """Create raw.<entity> from seeds_dir/<entity>.csv for every entity; rows per table."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    counts = {}
    for entity, columns in ENTITIES.items():
        path = seeds_dir / f"{entity}.csv"
        if not path.is_file():
            raise RawFormatError(f"{path}: missing (every raw entity needs its CSV file)")
        with path.open(encoding="utf-8") as f:
            header = f.readline().rstrip("\r\n").split(",")
        if header != list(columns):
            raise RawFormatError(
                f"{path.name}: header is {','.join(header)!r}, expected {','.join(columns)!r}"
            )
        try:
            con.execute(
                f"""
                create or replace table {RAW_SCHEMA}.{entity} as
                select *, ? as _source_file, current_timestamp as _loaded_at
                from read_csv(?, header = true, auto_detect = false, delim = ',', quote = '"',
                              columns = {_columns_literal(columns)})
                """,
                [path.name, str(path)],
            )
        except duckdb.Error as exc:
            raise RawFormatError(f"{path.name}: {exc}") from exc
        counts[entity] = con.execute(f"select count(*) from {RAW_SCHEMA}.{entity}").fetchone()[0]
    return counts
