"""Read a landing CSV into a frame of text values, or say in plain words why it cannot be read."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from wwc.landing.format import LANDING_COLUMNS


class UnreadableFile(ValueError):
    """The file cannot be read as a landing CSV; `reasons` says why, for a data steward."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            [
                f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line} "
                "cannot be decoded; save the file as UTF-8"
            ]
        ) from None


def read_landing_file(path: Path) -> pd.DataFrame:
    """The file's rows as text (empty cells as missing), indexed by their line in the file."""
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile(["the file is empty"])
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        sep = next(s for s in ";\t|" if s in header[0])
        raise UnreadableFile(
            [
                f"the header is separated by {sep!r}, not by commas; the landing "
                "format is comma-separated"
            ]
        )
    reasons = []
    missing = [c for c in LANDING_COLUMNS if c not in header]
    unknown = [c for c in header if c not in LANDING_COLUMNS]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if missing:
        reasons.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        reasons.append(
            f"unknown column(s): {', '.join(unknown)} (expected exactly: "
            f"{', '.join(LANDING_COLUMNS)})"
        )
    if repeated:
        reasons.append(f"column(s) named twice: {', '.join(repeated)}")
    if reasons:
        raise UnreadableFile(reasons)

    rows, lines, bad = [], [], []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            bad.append((reader.line_num, len(row)))
            continue
        rows.append(row)
        lines.append(reader.line_num)
    if bad:
        last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
        for line, fields in bad[:10]:
            note = (
                " (the file looks truncated)"
                if line == last_line and not text.endswith("\n")
                else ""
            )
            reasons.append(f"line {line} has {fields} fields, expected {len(header)}{note}")
        if len(bad) > 10:
            reasons.append(f"... and {len(bad) - 10} more lines with the wrong number of fields")
        raise UnreadableFile(reasons)
    if not rows:
        raise UnreadableFile(["the file has a header but no rows"])

    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=object)
    frame = frame[LANDING_COLUMNS].apply(lambda col: col.str.strip())
    return frame.mask(frame == "", None)
