"""The Dagster path in process: the project's definitions for a given warehouse, the landing
sensor ticked as the daemon ticks it, and the runs it requests executed like the daemon's."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from wwc.settings import Settings


def settings_for(warehouse: Path, **overrides) -> Settings:
    """The settings `wwc` and the code server would read with WWC_WAREHOUSE=warehouse (and the
    test worker's dbt target folder, conftest.py)."""
    worker_target = Settings.from_env().dbt_target
    return dataclasses.replace(
        Settings.from_env({}), warehouse=warehouse, dbt_target=worker_target, **overrides
    )


def definitions_for(settings: Settings):
    from orchestration.definitions import build_definitions

    return build_definitions(settings)


def tick(defs, instance, cursor: str | None):
    """One evaluation of the landing sensor: (run requests, the result, the new cursor)."""
    import dagster as dg

    context = dg.build_sensor_context(cursor=cursor, instance=instance)
    result = defs.resolve_sensor_def("landing_sensor")(context)
    requests = result if isinstance(result, list) else []
    return requests, result, context.cursor


def run_sensor_requests(defs, instance, settle_seconds: float = 0.2, ticks: int = 3) -> list:
    """Tick the sensor until the landing files settle and execute each requested run in order,
    as the daemon and the run queue would (one writer at a time). The results of the runs."""
    job = defs.resolve_job_def("refresh_warehouse")
    cursor, results = None, []
    for _ in range(ticks):
        requests, _, cursor = tick(defs, instance, cursor)
        for request in requests:
            results.append(
                job.execute_in_process(instance=instance, tags=request.tags, raise_on_error=False)
            )
        time.sleep(settle_seconds)
    return results
