"""A full rebuild every night."""

from __future__ import annotations

import os

import dagster as dg

from orchestration.jobs import FULL_BUILD, warehouse_job

nightly_build = dg.ScheduleDefinition(
    name="nightly_build",
    job=warehouse_job,
    cron_schedule=os.environ.get("WWC_NIGHTLY_CRON", "0 3 * * *"),
    execution_timezone="UTC",
    run_config=FULL_BUILD,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
