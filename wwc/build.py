"""`wwc build`: a full rebuild from the seeds plus every accepted landing file, gated, published."""

from __future__ import annotations

import time
from pathlib import Path

from wwc.dbt_runner import dbt_run_seconds, run_dbt
from wwc.pipeline import (
    BuildError,
    BuildResult,
    Prepared,
    Say,
    dbt_build_args,
    prepare,
    publish_build,
    remove_build_copy,
    unchanged,
    validate,
)
from wwc.publish import writer_lock
from wwc.settings import SEEDS_DIR, warehouse_path


def finish(prepared: Prepared, say: Say, started: float, full_refresh: bool = False) -> BuildResult:
    """Stages 2-4 for the command line: dbt build, the marts' gates, publish."""
    say("Running dbt build (models, contracts, unit and data tests)")
    args = dbt_build_args(prepared, say) + (["--full-refresh"] if full_refresh else [])
    dbt_started = time.perf_counter()
    code = run_dbt(args, prepared.build_file)
    wall = time.perf_counter() - dbt_started
    running = dbt_run_seconds()
    prepared.stages["dbt_startup_and_parse"] = wall - running
    prepared.stages["dbt_build"] = running
    if code != 0:
        raise BuildError(f"dbt build failed (exit {code}); see the errors above. "
                         f"{unchanged(prepared)}")  # fmt: skip
    return publish_build(prepared, validate(prepared, say), started, say)


def build(seeds_dir: Path = SEEDS_DIR, say: Say = print, full_refresh: bool = False) -> BuildResult:
    """A full rebuild: a new build file from the seeds plus every accepted landing file."""
    started = time.perf_counter()
    published = warehouse_path()
    published.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(published):
        try:
            prepared = prepare(seeds_dir, say, with_landing=False)
            return finish(prepared, say, started, full_refresh)
        finally:
            remove_build_copy(published)
