"""Stages 1-2 (`prepare`, `check_landing`): the build copy's raw tables: seeds, accepted landing
files, and the new files that pass their checks; the others are quarantined."""

import dagster as dg

from orchestration.jobs import LANDING_FILE_TAG
from orchestration.resources import Writer
from orchestration.termination import stop_if_terminated
from wwc.pipeline import check_landing, prepare_with_dbt_ahead

# The dbt sources in schema raw; build_info is the row the build writes about itself (where a
# refresh started), read by the models keyed by city.
RAW_TABLES = [
    "cities",
    "criteria",
    "assessments",
    "criterion_results",
    "load_log",
    "restatements",
    "build_info",
]
LANDING_CHECK = "landing_files_pass_checks"


class IngestConfig(dg.Config):
    full_build: bool = False  # True: rebuild even when no new landing file passed


@dg.multi_asset(
    name="landing_ingest",
    specs=[
        dg.AssetSpec(
            ["wwc", table],
            skippable=True,
            group_name="ingest",
            kinds={"duckdb"},
            description=f"raw.{table} in the build copy (the dbt source wwc.{table})",
        )
        for table in RAW_TABLES
    ],
    check_specs=[
        dg.AssetCheckSpec(
            LANDING_CHECK,
            asset=["wwc", "assessments"],
            description="New landing files pass the landing_file suite",
        )
    ],
)
def landing_ingest(
    context: dg.AssetExecutionContext, config: IngestConfig, writer: dg.ResourceParam[Writer]
):
    # One new file per run, so that a build its data fails blames that file.
    only = context.run.tags.get(LANDING_FILE_TAG)
    run, dbt = writer.start(context.log.info, config.full_build, frozenset([only] if only else []))
    prepare_with_dbt_ahead(run, dbt)
    building = check_landing(run)
    stop_if_terminated(context, "the dbt build")
    yield dg.AssetCheckResult(
        check_name=LANDING_CHECK,
        asset_key=dg.AssetKey(["wwc", "assessments"]),
        passed=not run.rejected,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "quarantined": dg.MetadataValue.json({r.original_name: r.reasons for r in run.refused}),
            "accepted": [r.original_name for _, r in run.staged],
            "waiting": run.waiting,
        },
    )
    if not building:
        return  # nothing materialized: the dbt and publish steps are skipped
    for table in RAW_TABLES:
        yield dg.MaterializeResult(
            asset_key=["wwc", table],
            metadata={
                "rows_from_seeds": run.raw_counts.get(table, 0),
                "build_file": dg.MetadataValue.path(str(run.build_file)),
            },
        )
