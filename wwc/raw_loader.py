"""Fill schema `raw` of a build file: seeds, accepted landing files, lineage."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd

from wwc.landing.files import Record, accepted_files, all_records
from wwc.landing.format import LANDING_COLUMNS
from wwc.landing.parse import UnreadableFile, read_landing
from wwc.raw_format import ENTITIES, RAW_SCHEMA
from wwc.seeds_manifest import Seeds
from wwc.vocabulary import (
    ALL_PRACTICE_AREAS,
    FORMS_OF_GOVERNMENT,
    LEVELS,
    STATE_CODES,
    STATUSES,
)


class RawFormatError(ValueError):
    """A raw CSV file does not match the documented format."""


def _columns_literal(columns: dict[str, str]) -> str:
    # Built from the constants in raw_format, never from user input.
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"


# How a value of each type must be written, in a seed file's reason.
TYPE_WORDS = {"INTEGER": "a whole number", "DATE": "a date written YYYY-MM-DD"}
SHOWN_PER_RULE = 3  # lines quoted per broken rule; the rest are counted

# The categorical columns of the seed files, each with the normalisation its staging model
# applies (models/staging/wwc/) and its allowed values (wwc.vocabulary), so that a bad value in
# real seeds is named with its file and row here instead of as a dbt test's name later.
SEED_VOCABULARY: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "cities": {
        "state_code": ("upper(trim({}))", STATE_CODES),
        "form_of_government": ("lower(trim({}))", FORMS_OF_GOVERNMENT),
    },
    "criteria": {"practice_area": ("trim({})", ALL_PRACTICE_AREAS)},
    "assessments": {"certification_level": ("lower(trim({}))", LEVELS)},
    "criterion_results": {"status": ("lower(trim({}))", STATUSES)},
}


def _checks(entity: str, columns: dict[str, str]) -> list[tuple[str, str, str]]:
    """(column, SQL condition of a bad row, what was expected) for one seed file: ids present,
    values of the raw format's types, categorical values in the vocabulary."""
    checks = []
    for column, kind in columns.items():
        if column.endswith("_id") and not column.startswith("prerequisite"):
            checks.append((column, f"{column} is null", "must not be empty"))
        if kind != "VARCHAR":
            condition = f"{column} is not null and try_cast({column} as {kind}) is null"
            checks.append((column, condition, f"must be {TYPE_WORDS[kind]}"))
    for column, (normalise, allowed) in SEED_VOCABULARY.get(entity, {}).items():
        values = ", ".join("'" + value.replace("'", "''") + "'" for value in allowed)
        condition = f"{column} is not null and {normalise.format(column)} not in ({values})"
        checks.append((column, condition, f"must be one of: {', '.join(allowed)}"))
    return checks


def _problems(con: duckdb.DuckDBPyConnection, path: Path, table: str, entity: str) -> list[str]:
    """Every rule a seed file (read as text into `table`) breaks, each with its first lines
    (line 1 is the header) and values."""
    problems = []
    for column, condition, expected in _checks(entity, ENTITIES[entity]):
        rows = con.execute(
            f"select _row + 1, {column}, count(*) over () from {table} where {condition} "
            f"order by _row limit {SHOWN_PER_RULE}"
        ).fetchall()
        if rows:
            found = ", ".join(f"line {line} {value!r}" for line, value, _ in rows)
            more = rows[0][2] - len(rows)
            also = f" and {more} more line(s)" if more else ""
            problems.append(f"{path.name}: {column} {expected}; found {found}{also}")
    return problems


def _read_as_text(con: duckdb.DuckDBPyConnection, path: Path, table: str, entity: str) -> str:
    """Read one seed file, every column as text, into `table`; the file's problem, if any."""
    columns = ENTITIES[entity]
    if not path.is_file():
        return f"{path.name}: missing (every raw entity needs its CSV file)"
    with path.open(encoding="utf-8", errors="replace") as f:
        header = f.readline().lstrip("\ufeff").rstrip("\r\n").split(",")
    if header != list(columns):
        return f"{path.name}: header is {','.join(header)!r}, expected {','.join(columns)!r}"
    text_columns = dict.fromkeys(columns, "VARCHAR")
    try:
        con.execute(
            f"""
            create or replace temp table {table} as
            select *, row_number() over () as _row
            from read_csv(?, header = true, auto_detect = false, delim = ',', quote = '"',
                          columns = {_columns_literal(text_columns)})
            """,
            [str(path)],
        )
    except duckdb.Error as exc:
        return f"{path.name}: not a CSV file in the raw format ({str(exc).splitlines()[0]})"
    return ""


def load_seed_files(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> dict[str, int]:
    """Create raw.<entity> from seeds_dir/<entity>.csv for every entity; rows per table. Each
    file is read once, as text; every file's values are checked in one pass (all problems are
    reported together), then cast from that same text to the raw format's types (the casts the
    check tried), so what is checked is what is loaded."""
    problems = []
    for entity in ENTITIES:
        path, table = seeds_dir / f"{entity}.csv", f"seed_{entity}"
        problem = _read_as_text(con, path, table, entity)
        problems += [problem] if problem else _problems(con, path, table, entity)
    if problems:
        raise RawFormatError(
            f"the seed files in {seeds_dir} cannot be loaded:\n  - " + "\n  - ".join(problems)
        )
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    counts = {}
    # No sort: DuckDB keeps the text table's insertion order, which is the file's (a sort by
    # line number would only put the 15 M results at x1000 back in the order they have).
    for entity, columns in ENTITIES.items():
        typed = ", ".join(
            column if kind == "VARCHAR" else f"cast({column} as {kind}) as {column}"
            for column, kind in columns.items()
        )
        con.execute(
            f"""
            create or replace table {RAW_SCHEMA}.{entity} as
            select {typed}, ? as _source_file, current_timestamp as _loaded_at
            from seed_{entity}
            """,
            [f"{entity}.csv"],
        )
        con.execute(f"drop table seed_{entity}")
        counts[entity] = con.execute(f"select count(*) from {RAW_SCHEMA}.{entity}").fetchone()[0]
    return counts


def create_lineage_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"""
        create or replace table {RAW_SCHEMA}.load_log (
            file_name varchar, sha256 varchar, received_at timestamp, outcome varchar,
            rows_in_file bigint, assessments bigint, reasons varchar, stored_as varchar
        )""")
    con.execute(f"""
        create or replace table {RAW_SCHEMA}.restatements (
            assessment_id varchar, replaced_source_file varchar, replacing_source_file varchar,
            restated_at timestamp
        )""")


def record_load_log(con: duckdb.DuckDBPyConnection, records: list[Record]) -> None:
    con.execute(f"delete from {RAW_SCHEMA}.load_log")
    if not records:
        return
    con.executemany(
        f"insert into {RAW_SCHEMA}.load_log values (?, ?, cast(? as timestamp), ?, ?, ?, ?, ?)",
        [
            [
                r.original_name,
                r.sha256,
                r.received_at.rstrip("Z"),
                r.outcome,
                r.rows,
                r.assessments,
                "\n".join(r.reasons),
                r.stored_as,
            ]
            for r in records
        ],
    )


def load_landing_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, source: str) -> None:
    """Apply one checked landing file to raw, from the frame the checks judged (text columns as
    they were checked, typed columns as they were parsed), in one transaction: its assessments
    replace any earlier rows with the same id (recorded in raw.restatements), and cities it
    describes are inserted or updated."""
    rows = pd.DataFrame(
        {
            column: frame[f"_{column}"] if f"_{column}" in frame else frame[column]
            for column in LANDING_COLUMNS
        }
    )
    con.register("landing_frame", rows)
    con.execute("begin transaction")
    try:
        con.execute("create or replace temp table landing_rows as select * from landing_frame")
        _apply_landing_rows(con, source)
        con.execute("drop table landing_rows")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("landing_frame")


def _apply_landing_rows(con: duckdb.DuckDBPyConnection, source: str) -> None:
    ids = "select distinct assessment_id from landing_rows"
    con.execute(
        f"""insert into {RAW_SCHEMA}.restatements
            select assessment_id, _source_file, ?, current_timestamp
            from {RAW_SCHEMA}.assessments where assessment_id in ({ids})""",
        [source],
    )
    con.execute(f"delete from {RAW_SCHEMA}.criterion_results where assessment_id in ({ids})")
    con.execute(f"delete from {RAW_SCHEMA}.assessments where assessment_id in ({ids})")
    described = "select city_id from landing_rows where city_name is not null"
    con.execute(f"delete from {RAW_SCHEMA}.cities where city_id in ({described})")
    con.execute(
        f"""insert into {RAW_SCHEMA}.cities
            select distinct city_id, city_name, state_code, cast(population as integer),
                   cast(population_year as integer), form_of_government, ?, current_timestamp
            from landing_rows where city_name is not null""",
        [source],
    )
    con.execute(
        f"""insert into {RAW_SCHEMA}.assessments
            select distinct assessment_id, city_id, cast(submitted_date as date),
                   cast(standard_version as integer), certification_level, ?, current_timestamp
            from landing_rows""",
        [source],
    )
    con.execute(
        f"""insert into {RAW_SCHEMA}.criterion_results
            select assessment_id, criterion_id, status, ?, current_timestamp from landing_rows""",
        [source],
    )


def seeds_fingerprint(seeds_dir: Path) -> str:
    """Identifies the seed files a build used (path, size, modification time)."""
    digest = hashlib.sha256(str(seeds_dir.resolve()).encode())
    for entity in ENTITIES:
        stat = (seeds_dir / f"{entity}.csv").stat()
        digest.update(f"{entity}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def holds_current_raw(published: Path, seeds_dir: Path, accepted: Path) -> bool:
    """True if the published file was built from exactly these seeds and accepted files, so a
    refresh may start from a copy of it (it may not after a crash between storing accepted
    files and publishing, or after the seeds changed)."""
    if not published.is_file():
        return False
    try:
        with duckdb.connect(str(published), read_only=True) as con:
            built_from = con.execute(f"select seeds_fingerprint from {RAW_SCHEMA}.build_info")
            fingerprint = built_from.fetchone()
            accepted_sql = f"select stored_as from {RAW_SCHEMA}.load_log where outcome = 'accepted'"
            loaded = {row[0] for row in con.execute(accepted_sql).fetchall()}
    except duckdb.Error:
        return False
    current = {record.stored_as for record, _ in accepted_files(accepted)}
    return fingerprint == (seeds_fingerprint(seeds_dir),) and loaded == current


def assemble_raw(
    con: duckdb.DuckDBPyConnection,
    seeds: Seeds,
    accepted: Path,
    quarantine: Path,
    dbt_project: str,
) -> dict[str, int]:
    """raw = the seeds, then every accepted landing file in order, plus the load log, and
    raw.build_info: what the warehouse was built from (the picture report says whether it is
    the synthetic history), the dbt project included (`dbt_project`: its fingerprint)."""
    counts = load_seed_files(con, seeds.folder)
    create_lineage_tables(con)
    for record, path in accepted_files(accepted):
        # The same parser as the landing checks: what was accepted then is what loads now.
        try:
            frame = read_landing(path)
        except UnreadableFile as exc:
            raise RawFormatError(f"accepted file {path} no longer reads: {exc}") from exc
        load_landing_frame(con, frame, record.stored_as)
    record_load_log(con, all_records(accepted, quarantine))
    con.execute(
        f"""create or replace table {RAW_SCHEMA}.build_info as
            select ? as seeds_fingerprint, ? as seeds_folder, ? as is_synthetic_history,
                cast(null as timestamp) as refreshed_since,
                cast(null as integer) as refreshed_from_standard,
                ? as dbt_project_fingerprint""",
        [seeds_fingerprint(seeds.folder), str(seeds.folder), seeds.synthetic_history, dbt_project],
    )
    return counts


def forget_dbt_project(con: duckdb.DuckDBPyConnection) -> None:
    """On a build copy whose dbt build may leave models out: it no longer claims that any dbt
    project built every model (`mark_refresh`), so the next refresh builds them all; and it
    records a full build's nulls, as the models it builds are rebuilt in full (a model left out
    may be the scope they would read), so that the checks of what it rewrote check every row."""
    con.execute(f"update {RAW_SCHEMA}.build_info set dbt_project_fingerprint = null")
    _record_full_build_scope(con)


def _record_full_build_scope(con: duckdb.DuckDBPyConnection) -> None:
    """A full build's nulls in raw.build_info: the models keyed by city rewrite, and the checks
    of what a build wrote check, every row (macros/refresh_scope.sql)."""
    con.execute(
        f"update {RAW_SCHEMA}.build_info set refreshed_since = null, refreshed_from_standard = null"
    )


def mark_refresh(con: duckdb.DuckDBPyConnection, dbt_project: str) -> bool:
    """On a build copy of the published file: record in raw.build_info the newest row and the
    standard of the fact the refresh starts from. The facts find what to rewrite from their own
    tables; the models keyed by city, the invariants on every criterion result and the grain
    tests read these two values (macros/refresh_scope.sql), so a refresh rewrites and
    checks the cities it touched, and a full build, where both are null, every one.

    Also record the dbt project the refresh runs (`dbt_project`, its fingerprint), which builds
    every model of the copy unless the copy was built by the same one: returns whether it was.
    If not, the refresh rebuilds every incremental model in full, and records the nulls of a full
    build, so that the checks of what it rewrote check every row."""
    columns = [
        ("refreshed_since", "timestamp"),
        ("refreshed_from_standard", "integer"),
        ("dbt_project_fingerprint", "varchar"),
    ]
    for column, kind in columns:
        # A file published before these columns existed.
        con.execute(f"alter table {RAW_SCHEMA}.build_info add column if not exists {column} {kind}")
    built_by = con.execute(f"select dbt_project_fingerprint from {RAW_SCHEMA}.build_info")
    same_project = built_by.fetchone() == (dbt_project,)
    con.execute(
        f"""update {RAW_SCHEMA}.build_info
            set refreshed_since = fact.since, refreshed_from_standard = fact.standard,
                dbt_project_fingerprint = ?
            from (select max(loaded_at) as since, max(standard_version) as standard
                  from marts.fct_criterion_results) as fact""",
        [dbt_project],
    )
    if not same_project:
        _record_full_build_scope(con)
    return same_project
