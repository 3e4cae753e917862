"""The build copy's raw tables: seeds, accepted landing files, and new files that pass."""

import dagster as dg

from orchestration.resources import WarehouseWriter
from wwc.pipeline import prepare

RAW_TABLES = ["cities", "criteria", "assessments", "criterion_results", "load_log",
              "restatements"]  # fmt: skip
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
    ],  # fmt: skip
    check_specs=[
        dg.AssetCheckSpec(
            LANDING_CHECK,
            asset=["wwc", "assessments"],
            description="New landing files pass the landing_file suite",
        )
    ],
)
def landing_ingest(context: dg.AssetExecutionContext, config: IngestConfig,
                   writer: WarehouseWriter):  # fmt: skip
    """The same code as `wwc refresh`'s first stage: quarantines what fails, with its reasons."""
    prepared = prepare(
        writer.seeds_dir_path, context.log.info, with_landing=True, always_build=config.full_build
    )
    writer.remember(prepared)
    refused = {r.original_name: r.reasons for r in prepared.refused}
    yield dg.AssetCheckResult(
        check_name=LANDING_CHECK,
        asset_key=dg.AssetKey(["wwc", "assessments"]),
        passed=not any(r.outcome == "rejected" for r in prepared.refused),
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "quarantined": dg.MetadataValue.json(refused),
            "accepted": [r.original_name for _, r in prepared.staged],
            "waiting": prepared.waiting,
        },  # fmt: skip
    )
    if not (prepared.staged or config.full_build):
        context.log.info("Nothing new passed in landing; not rebuilding.")
        return
    for table in RAW_TABLES:
        yield dg.MaterializeResult(
            asset_key=["wwc", table],
            metadata={
                "rows_from_seeds": prepared.raw_counts.get(table, 0),
                "build_file": dg.MetadataValue.path(str(prepared.build_file)),
            },  # fmt: skip
        )
