"""A terminated run checks its own status before the dbt build and before it publishes, so that
an interrupt its code never heard does not let it go on.

Terminating a run (orchestration/run_launcher.py) first marks it CANCELING, then sends its
worker SIGINT, which Dagster's handler raises as `DagsterExecutionInterruptedError` wherever the
run's Python is at that moment. An exception raised there can be lost: a C extension that calls
back into Python and clears the error it gets back drops it. In a loop of the landing check
alone at x1, 4 of 600 interrupts sent at random moments were lost; the one whose place was
recorded was lost inside numpy's `dtype()` (its `npy_ctypes_check`), called by Great
Expectations. That is a cause found, not proven the only one: the daemon test once saw about one
terminated run in three publish. The status is not lost: the landing step reads it after the
landing check (before the dbt build), the publish step just before the accepted files move and
the build copy is renamed over the published file. An interrupt lost after that point still lets
the run publish: the rename takes milliseconds."""

import time

import dagster as dg

STOPPED = (dg.DagsterRunStatus.CANCELING, dg.DagsterRunStatus.CANCELED)
# The launcher signals right after it marks the run. Read in between, the status would stop the
# run here and the signal would arrive in Dagster's own code after the step, which raises it as
# the resources' cleanup begins and so skips the writer's (the build copy stays). Waiting this
# long lets that signal arrive here, in the run's code, as an interrupt heard in time does.
SIGNAL_GRACE_SECONDS = 0.5


def stop_if_terminated(context: dg.AssetExecutionContext, before: str) -> None:
    """Raise what a heard interrupt raises (Dagster then ends the run CANCELED, and the writer
    removes the build copy) when the run was terminated; before: what would come next, for the
    log."""
    run = context.instance.get_run_by_id(context.run_id)
    if run is not None and run.status in STOPPED:
        context.log.info(f"The run was terminated: stopping before {before}.")
        time.sleep(SIGNAL_GRACE_SECONDS)
        raise dg.DagsterExecutionInterruptedError()
