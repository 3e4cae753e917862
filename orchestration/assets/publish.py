"""Stages 5-6 (`publish`, `outputs`): the published warehouse: the build copy, once every gate
passed, swapped in atomically, then the files derived from it."""

import datetime as dt

import dagster as dg

from orchestration.resources import Writer
from orchestration.termination import stop_if_terminated
from wwc.pipeline import outputs, publish, quarantine_on_failure
from wwc.settings import Settings


def published_warehouse_asset(
    settings: Settings, dbt_models: dg.AssetsDefinition
) -> dg.AssetsDefinition:
    @dg.asset(
        name="published_warehouse",
        group_name="publish",
        deps=list(dbt_models.keys),
        kinds={"duckdb"},
        description="data/wwc.duckdb (or WWC_WAREHOUSE): what analysts and BI tools open "
        "read-only.",
        # Flag marts older than WWC_MAX_AGE_HOURS (default: a nightly build plus slack).
        freshness_policy=dg.FreshnessPolicy.time_window(
            fail_window=dt.timedelta(hours=settings.max_age_hours)
        ),
    )
    def published_warehouse(context: dg.AssetExecutionContext, writer: dg.ResourceParam[Writer]):
        run = writer.run(context.log.info)
        with quarantine_on_failure(run):
            storage, rows = publish(run, lambda: stop_if_terminated(context, "publishing"))
        result = outputs(run, storage, rows)
        context.log.info(f"Published {result.published}")
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(result.published)),
                "data_docs": dg.MetadataValue.path(str(result.data_docs)),
                "picture_report": dg.MetadataValue.path(str(result.report)),
                "parquet": dg.MetadataValue.path(str(result.parquet)),
                "storage_version": result.storage_version,
                "landing_files_loaded": [r.original_name for r in run.accepted],
                "seconds": dg.MetadataValue.float(result.seconds),
                **{f"stage {name}": dg.MetadataValue.float(s) for name, s in result.stages.items()},
                **{f"rows {name}": dg.MetadataValue.int(n) for name, n in result.rows.items()},
            }
        )

    return published_warehouse
