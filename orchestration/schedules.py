"""A full rebuild every night."""

from __future__ import annotations

import dagster as dg

from orchestration.jobs import FULL_BUILD, warehouse_job
from wwc.settings import Settings


def nightly_build(settings: Settings) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="nightly_build",
        job=warehouse_job,
        cron_schedule=settings.nightly_cron,
        execution_timezone="UTC",
        run_config=FULL_BUILD,
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
