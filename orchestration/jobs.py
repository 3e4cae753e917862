"""One job writes the warehouse: ingest, dbt build, publish. It runs in one process so the
writer lock and the build copy last the whole run; the run queue lets one such run at a time."""

from __future__ import annotations

import dagster as dg

WRITER_TAG = {"wwc/writer": "warehouse"}
# A run requested by the landing sensor takes the one file this tag names; a run without it
# (the nightly schedule, a run launched by hand) takes no new landing file.
LANDING_FILE_TAG = "wwc/landing_file"

# Every asset: a build publishes what `wwc build` publishes, the semantic layer's time spine
# included; and dagster-dbt, given every dbt asset, selects `fqn:*`, which matches every model,
# test and source directly, as the command line's default selection does (not a list of models:
# see orchestration/assets/dbt.py on subsets).
warehouse_job = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    tags=WRITER_TAG,
    description="Load new landing files (or rebuild everything), dbt build, gates, publish.",
)

FULL_BUILD = dg.RunConfig(ops={"landing_ingest": {"config": {"full_build": True}}})
