"""The building blocks of the charts: their colours, hand-written inline SVG (text, a share scale,
whiskers, legends) and the HTML figure around each chart, with its table of numbers."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from wwc.vocabulary import GOLD, PLATINUM, SILVER

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
FONT = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
FIRST, NEXT = "#9DB9D3", "#0B4F8A"
UP, DOWN = "#1B7F3B", "#B3261E"
LEVEL_COLOURS = {SILVER: "#A7A9AC", GOLD: "#D4A017", PLATINUM: "#4F6D8A"}


def escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def pct(share: float | None, digits: int = 0) -> str:
    """A share as a percentage. One met in 209 is not "0%": a share that rounds to 0% or 100%
    without being either gets one more decimal, and "<0.1%" (">99.9%") if that still does."""
    if share is None:
        return "n/a"
    shown = f"{share * 100:.{digits}f}"
    if 0 < share < 1 and float(shown) in (0, 100):
        shown = f"{share * 100:.{digits + 1}f}"
        if float(shown) == 0:
            return f"<{10 ** -(digits + 1):g}%"
        if float(shown) == 100:
            return f">{100 - 10 ** -(digits + 1):g}%"
    return f"{shown}%"


def points(change: float) -> str:
    return f"{change * 100:+.1f} pts"


def text(x: float, y: float, content: str, anchor: str = "start", **attrs: object) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="12"{extra}>'
        f"{escape(content)}</text>"
    )


def svg_image(width: float, height: float, title: str, body: Iterable[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


class Scale:
    """Shares in [0, 1] onto x pixels."""

    def __init__(self, left: float, width: float, top: float = 1.0) -> None:
        self.left, self.width, self.top = left, width, top

    def __call__(self, share: float) -> float:
        return self.left + self.width * max(0.0, min(share, self.top)) / self.top

    def axis(self, y_top: float, y_bottom: float, step: float = 0.2) -> list[str]:
        parts = []
        ticks = round(self.top / step)
        for i in range(ticks + 1):
            share = i * step
            x = self(share)
            parts.append(
                f'<line x1="{x:.1f}" y1="{y_top:.1f}" x2="{x:.1f}" y2="{y_bottom:.1f}" '
                'stroke="#d8dee4" stroke-width="1"/>'
            )
            parts.append(text(x, y_bottom + 14, pct(share), "middle", fill="#57606a"))
        return parts


def whisker(x_lo: float, x_hi: float, y: float, colour: str = "#1f2328") -> str:
    return (
        f'<g class="whisker" stroke="{colour}" stroke-width="1.3">'
        f'<line x1="{x_lo:.1f}" y1="{y:.1f}" x2="{x_hi:.1f}" y2="{y:.1f}"/>'
        f'<line x1="{x_lo:.1f}" y1="{y - 4:.1f}" x2="{x_lo:.1f}" y2="{y + 4:.1f}"/>'
        f'<line x1="{x_hi:.1f}" y1="{y - 4:.1f}" x2="{x_hi:.1f}" y2="{y + 4:.1f}"/></g>'
    )


def legend(items: Sequence[tuple[str, str, bool]], x: float, y: float) -> list[str]:
    """A row of swatches: (label, colour, hollow)."""
    parts, cursor = [], x
    for label, colour, hollow in items:
        fill = "#fff" if hollow else colour
        parts.append(
            f'<rect x="{cursor:.1f}" y="{y - 9:.1f}" width="11" height="11" rx="2" '
            f'fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'
        )
        parts.append(text(cursor + 16, y, label))
        cursor += 26 + 6.6 * len(label)
    return parts


def numbers_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<details><summary>Show the numbers</summary><table><tr>{head}</tr>{body}</table>"


def figure(chart: str, title: str, source: str, svg: str, caption: str, table: str) -> str:
    return (
        f'<figure data-chart="{chart}" id="{chart}"><h2>{escape(title)}</h2>{svg}'
        f"<figcaption>{caption} Source: <code>{escape(source)}</code>.</figcaption>"
        f"{table}</details></figure>"
    )


def empty_figure(chart: str, title: str, source: str) -> str:
    return (
        f'<figure data-chart="{chart}" id="{chart}" data-empty="true"><h2>{escape(title)}</h2>'
        f'<p class="note">No rows in <code>{escape(source)}</code> yet.</p></figure>'
    )
