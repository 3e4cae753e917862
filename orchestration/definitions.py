"""Assembles the Dagster definitions; everything is defined in its own module."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.dbt import wwc_dbt_models
from orchestration.assets.ingest import landing_ingest
from orchestration.assets.publish import published_warehouse
from orchestration.checks import gx_mart_checks
from orchestration.jobs import warehouse_job
from orchestration.resources import WarehouseWriter, dbt_resource
from orchestration.schedules import nightly_build
from orchestration.sensors import landing_sensor

defs = dg.Definitions(
    assets=[landing_ingest, wwc_dbt_models, published_warehouse],
    asset_checks=gx_mart_checks,
    jobs=[warehouse_job],
    schedules=[nightly_build],
    sensors=[landing_sensor],
    resources={"dbt": dbt_resource(), "writer": WarehouseWriter()},
)
