"""Export every marts and reports relation of the published warehouse as Parquet.

One file per relation, `<schema>.<relation>.parquet`, plus `manifest.json` with each file's row
count, sha256, size, and the relation's and columns' comments (Parquet files carry no comments).
The export is written into a fresh hidden folder beside the warehouse, checked, and only then
made visible: `<warehouse dir>/parquet` is a symbolic link that is swapped to the new folder in
one atomic rename, so a reader sees the whole previous export or the whole new one, never a mix
or a half-written file. The previous export stays on disk until the next publish, for readers
still in the middle of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from wwc.publish import PUBLIC_SCHEMAS

FOLDER = "parquet"
MANIFEST = "manifest.json"
# Parquet format version 1 with snappy compression: what every Parquet reader (older DuckDB,
# Arrow, Spark, Power BI, ...) reads.
COPY_OPTIONS = "format parquet, compression snappy, parquet_version v1"


class ExportError(RuntimeError):
    """The Parquet export failed its own checks."""


def parquet_dir(published: Path) -> Path:
    """The folder readers use: `<warehouse dir>/parquet` (a link to the latest export)."""
    return published.parent / FOLDER


def _versions_prefix() -> str:
    return f".{FOLDER}-"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    """(schema, name, kind, comment) of every table and view in the public schemas."""
    return con.execute(
        """
        select schema_name, table_name, 'table', coalesce(comment, '') from duckdb_tables()
        where database_name = current_database() and schema_name in ?
        union all
        select schema_name, view_name, 'view', coalesce(comment, '') from duckdb_views()
        where database_name = current_database() and schema_name in ? and not internal
        order by 1, 2
        """,
        [list(PUBLIC_SCHEMAS), list(PUBLIC_SCHEMAS)],
    ).fetchall()


def _columns(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> list[dict[str, str]]:
    rows = con.execute(
        "select column_name, data_type, coalesce(comment, '') from duckdb_columns() "
        "where database_name = current_database() and schema_name = ? and table_name = ? "
        "order by column_index",
        [schema, name],
    ).fetchall()
    return [{"name": c, "type": t, "comment": comment} for c, t, comment in rows]


def _write_export(published: Path, target: Path) -> dict[str, Any]:
    """Write every public relation of the published file into target; return the manifest."""
    files = []
    # Marts and reports have no order of their own (readers sort); without keeping the
    # insertion order DuckDB writes the 15 M-row fact faster (the x1000 export 2.9 s to 2.25 s).
    con = duckdb.connect(str(published), read_only=True, config={"preserve_insertion_order": False})
    try:
        for schema, name, kind, comment in _relations(con):
            relation = f"{schema}.{name}"
            path = target / f"{relation}.parquet"
            rows = con.execute(f"select count(*) from {_quote(schema)}.{_quote(name)}").fetchone()[
                0
            ]
            con.execute(
                f"copy (select * from {_quote(schema)}.{_quote(name)}) "
                f"to {_literal(str(path))} ({COPY_OPTIONS})"
            )
            written = con.execute(
                f"select count(*) from read_parquet({_literal(str(path))})"
            ).fetchone()[0]
            if written != rows:
                raise ExportError(f"{path.name} holds {written} rows, {relation} has {rows}")
            files.append(
                {
                    "file": path.name,
                    "relation": relation,
                    "kind": kind,
                    "rows": rows,
                    "bytes": path.stat().st_size,
                    "sha256": _sha256(path),
                    "comment": comment,
                    "columns": _columns(con, schema, name),
                }
            )
    finally:
        con.close()
    if not files:
        raise ExportError(f"{published} has no relation in schemas {', '.join(PUBLIC_SCHEMAS)}")
    return {
        "warehouse": str(published),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "duckdb_version": duckdb.__version__,
        "format": "Parquet format version 1, snappy compression",
        "files": files,
    }


def _fsync_tree(folder: Path) -> None:
    for path in [*folder.iterdir(), folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def export_parquet(published: Path) -> Path:
    """Export the published warehouse's marts and reports; returns `<warehouse dir>/parquet`."""
    link = parquet_dir(published)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    version = published.parent / f"{_versions_prefix()}{stamp}"
    version.mkdir()
    try:
        manifest = _write_export(published, version)
        (version / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _fsync_tree(version)
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        raise

    previous = os.readlink(link) if link.is_symlink() else None
    if link.exists() and not link.is_symlink():
        # A plain folder (made by hand, or by an older version of wwc): set it aside once.
        link.rename(published.parent / f"{_versions_prefix()}{stamp}-replaced")
    staged_link = published.parent / f".{FOLDER}.link-{stamp}"
    os.symlink(version.name, staged_link)  # relative: the data folder can be moved
    os.replace(staged_link, link)  # the atomic swap
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)

    # Keep the new export and the one just replaced; drop older and abandoned ones.
    keep = {version.name, Path(previous).name if previous else None}
    for old in published.parent.glob(f".{FOLDER}*"):
        if old.name not in keep and old != link:
            if old.is_symlink() or old.is_file():
                old.unlink(missing_ok=True)
            else:
                shutil.rmtree(old, ignore_errors=True)
    return link


def read_manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
