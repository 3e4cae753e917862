"""Run a committed Great Expectations suite on a pandas frame; fail closed.

GX's SQL datasource does not work on DuckDB, so frames are read from DuckDB (read-only) or from
the landing file and validated in memory. Anything that stops a validation from running (import
error, missing suite, unreadable frame) raises `ValidationUnavailable`: callers block publishing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wwc.quality.data_docs import data_docs_index

ROW_EXAMPLES = 10


class ValidationUnavailable(RuntimeError):
    """A validation could not run; nothing may be published on its account."""


@dataclass(frozen=True)
class Failure:
    reason: str
    column: str | None
    count: int
    rows: list[Any] = field(default_factory=list)  # index labels (file line numbers for landing)
    values: list[Any] = field(default_factory=list)

    def describe(self, row_word: str = "line") -> str:
        where = ""
        if self.rows:
            more = f" and {self.count - len(self.rows)} more" if self.count > len(self.rows) else ""
            where = f" at {row_word}s {', '.join(str(r) for r in self.rows)}{more}"
        column = f" [column {self.column}]" if self.column else ""
        seen = f"; found {', '.join(repr(v) for v in self.values)}" if self.values else ""
        return f"{self.reason}{column}: {self.count} row(s){where}{seen}"


class _Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# Where GX logs a Data Docs page or index it could not write, and goes on without it.
SITE_BUILDER_LOGGER = "great_expectations.render.renderer.site_builder"


@contextlib.contextmanager
def _unwritten_pages() -> Iterator[list[logging.LogRecord]]:
    """The errors GX's site builder logs meanwhile: the pages it could not write. With a
    handler of its own here they no longer reach the terminal as a traceback (nor do its
    warnings, meanwhile), and the caller fails on them in plain words. Errors of the renderers
    (a block of a page that did not render, the page still written) are not collected."""
    handler = _Collected()
    logger = logging.getLogger(SITE_BUILDER_LOGGER)
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


def _plain(record: logging.LogRecord) -> str:
    """The exception a GX error record names (`OSError: "[Errno 28] ..."`), without its
    traceback; else the record's first line."""
    message = record.getMessage()
    named = re.search(r'(\w+): "(.*?)"\.\s+Traceback:', message, re.S)
    if named:
        return f"{named[1]}: {named[2]}"
    return (message.strip().splitlines() or ["(no message)"])[0]


def import_in_background() -> None:
    """Start importing Great Expectations (2-3 s, most of what a gate costs at x1) on a thread,
    for a caller about to wait on something else first: `wwc build` waits on dbt's process
    before its gates, which then find GX loaded. A failure is left to `open_suites`, which
    meets it again and fails closed."""

    def load() -> None:
        with contextlib.suppress(Exception):
            import great_expectations  # noqa: F401

    threading.Thread(target=load, name="import-great-expectations", daemon=True).start()


def _failure(result, frame) -> Failure:
    config = result.expectation_config
    kwargs, meta = config.kwargs, config.meta or {}
    details = result.result or {}
    labels = [
        r.get("line", r.get("index")) if isinstance(r, dict) else r
        for r in details.get("unexpected_index_list") or []
    ]
    count = details.get("unexpected_count")
    if count is None:  # table-level expectations have no failing rows
        count = details.get("observed_value") if config.type.startswith("expect_table") else 1
    # Quote the file's own column: for a derived `_` column, the one named by meta.shows.
    column = meta.get("shows") or kwargs.get("column") or kwargs.get("column_A")
    values: list[Any] = []
    if column in getattr(frame, "columns", []) and labels:
        for value in frame.loc[labels[:ROW_EXAMPLES], column]:
            if value not in values:
                values.append(value)
    return Failure(
        reason=meta.get("reason", config.type),
        column=column,
        count=int(count or 0),
        rows=labels[:ROW_EXAMPLES],
        values=values[:5],
    )


class Suites:
    """The project's GX context, open on one runtime folder: it runs the committed checkpoints
    (`run`), and writes the Data Docs pages of what it ran in one go (`write_docs`). The
    checkpoints carry no Data Docs action: GX's action rebuilt the site's index after every
    validation, 0.2-0.3 s for each file of a landing batch."""

    def __init__(self, context: Any, runtime: Path) -> None:
        self.context = context
        self.runtime = runtime
        self._unwritten: list[Any] = []  # validation result identifiers without a page yet

    def run(self, suite: str, frame, parameters: dict[str, Any] | None = None) -> list[Failure]:
        """Validate frame against the committed checkpoint of the same name; the failures
        found."""
        try:
            checkpoint = self.context.checkpoints.get(suite)
            now = dt.datetime.now()
            params = {"earliest_date": dt.datetime(2017, 1, 1), "today": now, "this_year": now.year}
            result = checkpoint.run(
                batch_parameters={"dataframe": frame},
                expectation_parameters=params | (parameters or {}),
            )
        except Exception as exc:
            raise ValidationUnavailable(f"suite {suite!r} could not run: {exc}") from exc
        self._unwritten.extend(result.run_results)
        failures = []
        for run in result.run_results.values():
            for item in run.results:
                if item.exception_info and item.exception_info.get("raised_exception"):
                    message = item.exception_info.get("exception_message")
                    raise ValidationUnavailable(
                        f"suite {suite!r} could not evaluate an expectation "
                        f"({item.expectation_config.type}): {message}"
                    )
                if not item.success:
                    failures.append(_failure(item, frame))
        return failures

    def write_docs(self) -> Path:
        """The pages of the validations run since the last call and of their suites, with the
        site's index rebuilt once, made readable offline; the index page."""
        if self._unwritten:
            from great_expectations.data_context.types.resource_identifiers import (
                ExpectationSuiteIdentifier,
            )

            suites = {key.expectation_suite_identifier.name for key in self._unwritten}
            pages = self._unwritten + [ExpectationSuiteIdentifier(name) for name in sorted(suites)]
            with _unwritten_pages() as unwritten:
                try:
                    self.context.build_data_docs(resource_identifiers=pages)
                except Exception as exc:  # a gate's report that cannot be written blocks too
                    raise ValidationUnavailable(f"Data Docs could not be written: {exc}") from exc
            if unwritten:  # ... and so does a page GX could not write and went on without
                reason = _plain(unwritten[0])
                raise ValidationUnavailable(f"Data Docs could not be written: {reason}")
            self._unwritten = []
        try:
            return data_docs_index(self.runtime)
        except OSError as exc:
            raise ValidationUnavailable(f"Data Docs could not be written: {exc}") from exc


def open_suites(expectations: Path, runtime: Path) -> Suites:
    """The file-backed GX context of the project in `expectations`, writing its run-time output
    (validation results, Data Docs) into `runtime`, beside the warehouse.

    great_expectations.yml names that folder ${WWC_GX_RUNTIME_DIR}; the value is given to this
    context alone as its runtime environment, never through os.environ. Usage statistics are off
    in the committed config (`analytics_enabled: false`)."""
    runtime.mkdir(parents=True, exist_ok=True)
    try:
        import great_expectations as gx

        context = gx.get_context(
            mode="file",
            project_root_dir=str(expectations),
            runtime_environment={"WWC_GX_RUNTIME_DIR": str(runtime)},
        )
    except Exception as exc:  # any failure here must block, not pass
        raise ValidationUnavailable(f"Great Expectations could not start: {exc}") from exc
    return Suites(context, runtime)
