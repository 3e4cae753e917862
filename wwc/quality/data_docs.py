"""Make the Data Docs site readable offline.

GX's pages are rendered on the server side, but they pull Bootstrap, jQuery, Font Awesome and
Vega from CDNs and a logo from S3 (with the context id in its URL). Those tags are removed, so a
browser makes no network request; a small local stylesheet keeps the tables readable. What stays
unstyled: Bootstrap's layout and navbar, icons, and the sortable/filterable tables.
"""

from __future__ import annotations

import re
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
</style>"""


def make_offline(site: Path) -> Path:
    """Strip remote assets from every page of the site; returns the index page."""
    for page in site.rglob("*.html"):
        html = _REMOTE.sub("", page.read_text(encoding="utf-8"))
        if _STYLE not in html:
            html = html.replace("</head>", _STYLE + "</head>", 1)
        page.write_text(html, encoding="utf-8")
    return site / "index.html"
