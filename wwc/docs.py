"""`wwc docs`: the dbt docs site for BI users, readable offline.

`dbt docs generate` needs a database connection (it reads the catalog: columns, types,
comments). It never runs against the published file itself: dbt-duckdb opens its database for
writing, which would wait for or disturb the BI tools reading it. A private copy of the
published file (same name, so the catalog is named the same) is documented instead, and
removed afterwards. The `--static` page embeds the manifest and the catalog, so it opens from
disk; dbt's tracking script is only loaded when `send_anonymous_usage_stats` is true, which this
project turns off, so the page makes no network request.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from wwc.dbt_runner import database_args, run_dbt
from wwc.settings import Settings

Say = Callable[[str], None]


class DocsError(RuntimeError):
    """The docs could not be generated."""


def docs_dir(published: Path) -> Path:
    """`<warehouse dir>/docs`: index.html (self-contained), manifest.json, catalog.json."""
    return published.parent / "docs"


def generate_docs(settings: Settings, say: Say = print) -> Path:
    """Generate the docs of the published warehouse into `docs_dir`; returns its index.html."""
    published = settings.warehouse
    if not published.is_file():
        raise DocsError(f"no published warehouse at {published}; run `wwc build` first")
    out = docs_dir(published)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".wwc-docs-", dir=published.parent) as scratch:
        copy = Path(scratch) / published.name
        shutil.copyfile(published, copy)  # one open: a publish meanwhile swaps, never mixes
        target = Path(scratch) / "target"
        say(f"Generating the dbt docs from a copy of {published}")
        args = ["docs", "generate", "--static", "--target-path", str(target)]
        code = run_dbt([*args, *database_args(copy)], settings)
        if code != 0:
            raise DocsError(f"dbt docs generate failed (exit {code}); see the errors above")
        staged = Path(scratch) / "docs"
        staged.mkdir()
        shutil.copyfile(target / "static_index.html", staged / "index.html")
        for name in ("manifest.json", "catalog.json"):
            shutil.copyfile(target / name, staged / name)
        previous = Path(scratch) / "previous"
        if out.exists():
            os.replace(out, previous)
        os.replace(staged, out)
    return out / "index.html"


def serve_docs(folder: Path, port: int = 8080, say: Say = print) -> None:
    """Serve the docs folder on 127.0.0.1 until interrupted (port 0: any free port)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    with ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        host, bound = server.server_address[:2]
        say(f"Serving the docs at http://{host}:{bound}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            say("Stopped serving the docs")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass
