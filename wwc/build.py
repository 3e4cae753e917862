"""`wwc build`: rebuild the warehouse into a separate file, run every gate, then publish."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from wwc.dbt_runner import run_dbt
from wwc.generator.seeds import is_synthetic_history
from wwc.publish import PublishError, inspect_build, publish, writer_lock
from wwc.raw_loader import load_seed_files
from wwc.settings import SEEDS_DIR, STORAGE_COMPATIBILITY_VERSION, warehouse_path


class BuildError(RuntimeError):
    """The build did not pass its gates; the published warehouse is unchanged."""


@dataclass(frozen=True)
class BuildResult:
    published: Path
    storage_version: str
    rows: dict[str, int]
    seconds: float


def build(seeds_dir: Path = SEEDS_DIR, say: Callable[[str], None] = print) -> BuildResult:
    started = time.perf_counter()
    published = warehouse_path()
    published.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(published):
        # Same file name in a sibling folder: DuckDB names the catalog after the file stem, and
        # views refer to it, so the build copy must be called what the published file is called.
        build_dir = published.parent / f".{published.name}.build"
        shutil.rmtree(build_dir, ignore_errors=True)  # left over by a killed build
        build_dir.mkdir()
        build_file = build_dir / published.name
        try:
            say(f"Loading raw files from {seeds_dir} into a build copy ({build_file})")
            with duckdb.connect(
                str(build_file),
                config={"storage_compatibility_version": STORAGE_COMPATIBILITY_VERSION},
            ) as con:
                for table, n in load_seed_files(con, seeds_dir).items():
                    say(f"  raw.{table}: {n} rows")

            args = ["build"]
            if not is_synthetic_history(seeds_dir):
                say("These are not the generator's unchanged files: skipping calibration tests")
                args += ["--exclude", "tag:calibration"]
            say("Running dbt build (models, contracts, unit and data tests)")
            code = run_dbt(args, build_file)
            if code != 0:
                raise BuildError(
                    f"dbt build failed (exit {code}); see the errors above. "
                    f"The published warehouse {published} was not changed."
                )
            storage, rows = inspect_build(build_file)
            publish(build_file, published)
        except PublishError as exc:
            raise BuildError(
                f"{exc}. The published warehouse {published} was not changed."
            ) from exc
        finally:
            shutil.rmtree(build_dir, ignore_errors=True)
    return BuildResult(published, storage, rows, time.perf_counter() - started)
