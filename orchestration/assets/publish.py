"""The published warehouse: the build copy, once every check passed, swapped in atomically."""

import datetime as dt
import os
import time

import dagster as dg

from orchestration.assets.dbt import wwc_dbt_models
from orchestration.resources import WarehouseWriter
from wwc.pipeline import publish_build
from wwc.quality.marts import data_docs_index


@dg.asset(
    group_name="publish",
    deps=list(wwc_dbt_models.keys),
    kinds={"duckdb"},
    description="data/wwc.duckdb (or WWC_WAREHOUSE): what analysts and BI tools open read-only.",
    # Flag marts older than WWC_MAX_AGE_HOURS (default: a nightly build plus slack).
    freshness_policy=dg.FreshnessPolicy.time_window(
        fail_window=dt.timedelta(hours=float(os.environ.get("WWC_MAX_AGE_HOURS", "26")))
    ),
)
def published_warehouse(context: dg.AssetExecutionContext, writer: WarehouseWriter):
    prepared = writer.prepared
    if prepared is None:
        raise dg.Failure("the landing_ingest step did not prepare a build copy in this run")
    result = publish_build(prepared, data_docs_index(), time.perf_counter(), context.log.info)
    context.log.info(f"Published {result.published}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(result.published)),
            "data_docs": dg.MetadataValue.path(str(result.data_docs)),
            "picture_report": dg.MetadataValue.path(str(result.report)),
            "parquet": dg.MetadataValue.path(str(result.parquet)),
            "storage_version": result.storage_version,
            "landing_files_loaded": [r.original_name for _, r in prepared.staged],
            **{f"rows {name}": dg.MetadataValue.int(n) for name, n in result.rows.items()},
        }
    )
