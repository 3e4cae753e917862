"""Assembles the Dagster definitions from the settings; everything is defined in its own module.
The code server loads `defs`, made from the settings of its environment, read once."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.dbt import dbt_models
from orchestration.assets.ingest import landing_ingest
from orchestration.assets.publish import published_warehouse_asset
from orchestration.checks import gx_mart_checks
from orchestration.jobs import warehouse_job
from orchestration.project import dbt_project
from orchestration.resources import dbt_resource, warehouse_writer
from orchestration.schedules import nightly_build
from orchestration.sensors import landing_sensor
from wwc.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    project = dbt_project(settings)  # one for the assets and the resource
    models = dbt_models(project)
    return dg.Definitions(
        assets=[landing_ingest, models, published_warehouse_asset(settings, models)],
        asset_checks=gx_mart_checks,
        jobs=[warehouse_job],
        schedules=[nightly_build(settings)],
        sensors=[landing_sensor(settings)],
        resources={"dbt": dbt_resource(project), "writer": warehouse_writer(settings)},
    )


defs = build_definitions(Settings.from_env())
