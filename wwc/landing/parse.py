"""Read the private copy of a landing file, once, into the values that are checked and loaded:
text cells stripped of surrounding whitespace (empty cells missing), plus the typed `_` columns
(date and whole numbers) parsed from that same text. The checks judge exactly this frame and
raw_loader loads exactly this frame, so no second parser can read the file differently."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from wwc.landing.format import LANDING_COLUMNS, shown

# Python's csv module refuses longer fields; a reason says so instead of a traceback.
FIELD_LIMIT = csv.field_size_limit()
CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # inside a value: the edges are stripped
CAP = 10**12
SHOWN_LINES = 10


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


def _header_problems(header: list[str]) -> list[str]:
    reasons = []
    missing = [c for c in LANDING_COLUMNS if c not in header]
    unknown = [c for c in header if c not in LANDING_COLUMNS]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if missing:
        reasons.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        names = ", ".join(repr(shown(c)) for c in unknown)
        empty = " (a column without a name: is there a comma at the end of the lines?)"
        reasons.append(
            f"unknown column(s): {names}{empty if '' in unknown else ''} (expected exactly: "
            f"{', '.join(LANDING_COLUMNS)})"
        )
    if repeated:
        reasons.append(f"column(s) named twice: {', '.join(repr(shown(c)) for c in repeated)}")
    return reasons


def _next(reader) -> list[str] | None:
    """The next row, None at the end; a row csv cannot read is the file's reason."""
    try:
        return next(reader, None)
    except csv.Error as exc:
        long = "field larger than field limit" in str(exc)
        what = f"a field is longer than {FIELD_LIMIT:,} characters" if long else str(exc)
        raise UnreadableFile([f"line {reader.line_num} cannot be read: {what}"]) from None


def _rows(reader, text: str, width: int) -> tuple[list[list[str]], list[int]]:
    """The data rows (lines with a visible value) and their line numbers; a row with the wrong
    number of fields is a reason."""
    rows, lines, reasons, bad = [], [], [], 0
    last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
    end = reader.line_num  # the last line of the previous row: a row may span lines
    while (row := _next(reader)) is not None:
        start, end = end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            bad += 1
            if bad <= SHOWN_LINES:
                if start < end and any("\n" in cell or "\r" in cell for cell in row):
                    # csv reads an unclosed quote on to the next quote or the end of the file
                    reasons.append(
                        f"line {start} opens a quoted value that is not closed until line "
                        f"{end}; close the quote or remove it"
                    )
                    continue
                cut = end == last_line and not text.endswith("\n")
                note = " (the file looks truncated)" if cut else ""
                reasons.append(f"line {end} has {len(row)} fields, expected {width}{note}")
            continue
        rows.append(row)
        lines.append(reader.line_num)
    if bad > SHOWN_LINES:
        reasons.append(f"... and {bad - SHOWN_LINES} more lines with the wrong number of fields")
    if reasons:
        raise UnreadableFile(reasons)
    return rows, lines


def _control_characters(frame: pd.DataFrame) -> list[str]:
    reasons = []
    for column in LANDING_COLUMNS:
        bad = frame[column].dropna()
        bad = bad[bad.str.contains(CONTROL)]
        if not bad.empty:
            lines = ", ".join(str(line) for line in bad.index[:SHOWN_LINES])
            found = ", ".join(repr(value) for value in bad.head(3))
            reasons.append(
                f"{column} contains a control character (such as a NUL byte or a tab inside "
                f"the value) [column {column}]: {len(bad)} row(s) at lines {lines}; found {found}"
            )
    return reasons


def _whole_number(values: pd.Series) -> pd.Series:
    """Text of digits only as integers, anything else missing (the suite's pattern names it).
    More than 12 digits reads as 10**12: above every bound the suite sets, so the value is
    refused by its range check, not overflowed by a cast."""
    digits = values.where(values.str.fullmatch(r"[0-9]+").fillna(False).astype(bool))
    numbers = digits.map(lambda v: min(int(v), CAP) if isinstance(v, str) else None)
    return pd.array(numbers, dtype="Int64")


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The typed `_` columns, each parsed from the frame's own text."""
    out = frame.copy()
    out["_submitted_date"] = pd.to_datetime(
        out["submitted_date"], format="%Y-%m-%d", errors="coerce"
    )
    for column in ("standard_version", "population", "population_year"):
        out[f"_{column}"] = _whole_number(out[column])
    return out


def read_landing(path: Path) -> pd.DataFrame:
    """The file's rows, indexed by their line in the file: the stripped text of every landing
    column (empty cells missing) and the typed `_` columns."""
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile(["the file is empty"])
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in _next(reader) or []]
    if not any(header):
        raise UnreadableFile(["the first line is empty: the file must start with its header"])
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        sep = next(s for s in ";\t|" if s in header[0])
        raise UnreadableFile(
            [
                f"the header is separated by {sep!r}, not by commas; the landing "
                "format is comma-separated"
            ]
        )
    reasons = _header_problems(header)
    if reasons:
        raise UnreadableFile(reasons)
    rows, lines = _rows(reader, text, len(header))
    if not rows:
        raise UnreadableFile(["the file has a header but no rows"])
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=object)
    frame = frame[LANDING_COLUMNS].apply(lambda col: col.str.strip())
    frame = frame.mask(frame == "", None)
    reasons = _control_characters(frame)
    if reasons:
        raise UnreadableFile(reasons)
    return typed(frame)
