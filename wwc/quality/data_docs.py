"""Make the Data Docs site readable offline.

GX's pages are rendered on the server side, but they pull Bootstrap, jQuery, Font Awesome and
Vega from CDNs and a logo from S3 (with the context id in its URL). Those tags are removed, so a
browser makes no network request; a small local stylesheet keeps the tables readable. Two things
depended on those scripts and are rendered here instead: the index page's lists (bootstrap-table
filled them from data in an inline script; they become plain HTML tables with links) and the
status icons (Font Awesome glyphs; the stylesheet writes "passed"/"failed" in their place). What
stays unstyled: Bootstrap's layout and navbar; the tables do not sort or filter.

The history is bounded (`prune_history`): GX rebuilds the index from every stored validation
result each time it writes pages, so an unbounded history made every gate slower than the last.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

_REMOTE = re.compile(
    r"<script[^>]*\ssrc=\"https?://[^\"]*\"[^>]*>\s*</script>"
    r"|<link[^>]*\shref=\"https?://[^\"]*\"[^>]*/?>"
    r"|<img[^>]*\ssrc=\"https?://[^\"]*\"[^>]*/?>",
    re.IGNORECASE,
)
_STYLE = """<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;
vertical-align:top}.hide,.d-none{display:none}a{color:#0b5cad}
.fa-check-circle::before{content:"\\2713  passed";color:#1a7f37;font-style:normal}
.fa-times::before{content:"\\2717  failed";color:#cf222e;font-style:normal}
.fa-question-circle::before{content:"?";font-style:normal}.cooltip .top{display:none}
</style>"""
# bootstrap-table's call on the index page: the table's id, its columns and rows (Python
# literals as GX writes them), up to the end of its script.
_TABLE_SCRIPT = re.compile(
    r"<script>\s*\$\('#(?P<id>[\w-]+)'\)\.bootstrapTable\(\s*Object\.assign\(\s*"
    r"\{\s*columns: (?P<columns>\[.*?\]),\s*data: (?P<data>\[.*?\]),\s*toolbar:.*?</script>",
    re.S,
)
# The helper functions bootstrap-table called; without jQuery they are dead code.
_HELPER_SCRIPT = re.compile(r"<script>\s*function rowStyleLinks.*?</script>", re.S)


def _static_table(columns: list[dict], rows: list[dict]) -> str:
    """The rows bootstrap-table would have drawn, as HTML; each row links to its page. The
    cells are GX's own rendered HTML."""
    head = "".join(f"<th>{column['title']}</th>" for column in columns)
    body = []
    for row in rows:
        link = row.get("_table_row_link_path", "")
        cells = "".join(
            f'<td><a href="{link}">{row.get(column["field"], "")}</a></td>'
            if link
            else f"<td>{row.get(column['field'], '')}</td>"
            for column in columns
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"


def _fill_tables(html: str) -> str:
    html = _HELPER_SCRIPT.sub("", html)
    for found in list(_TABLE_SCRIPT.finditer(html)):
        table = _static_table(ast.literal_eval(found["columns"]), ast.literal_eval(found["data"]))
        html = html.replace(found[0], "", 1)
        html = re.sub(
            rf'(<table\s+id="{re.escape(found["id"])}"[^>]*>)\s*</table>',
            lambda opened, table=table: opened[1] + table + "</table>",
            html,
            count=1,
        )
    return html


def make_offline(site: Path) -> Path:
    """Strip remote assets from every page of the site that GX wrote since the last call (a
    page made offline carries the local stylesheet); returns the index page."""
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if _STYLE in html:
            continue
        html = _fill_tables(_REMOTE.sub("", html)).replace("</head>", _STYLE + "</head>", 1)
        page.write_text(html, encoding="utf-8")
    return site / "index.html"


def prune_history(gx_runtime: Path, suites: Iterable[str], keep: int) -> None:
    """Before `suites` are validated again: keep the newest `keep` validation runs of each,
    their results (`validations/<suite>/<run name>/<run time>/`) and their pages (the same path
    under `data_docs/validations/`), and remove the older ones. Run times are GX's sortable UTC
    stamps."""
    for suite in suites:
        runs = sorted((gx_runtime / "validations" / suite).glob("*/*"), key=lambda run: run.name)
        for run in runs[: max(len(runs) - keep, 0)]:
            relative = run.relative_to(gx_runtime)
            for folder in (run, gx_runtime / "data_docs" / relative):
                shutil.rmtree(folder, ignore_errors=True)


def data_docs_index(gx_runtime: Path) -> Path:
    """The Data Docs site under the runtime folder, made readable offline; its index page."""
    return make_offline(gx_runtime / "data_docs")
