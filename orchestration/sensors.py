"""Watch the landing folder: one run per new settled file, never twice for the same file."""

from __future__ import annotations

import json

import dagster as dg

from orchestration.jobs import LANDING_FILE_TAG, warehouse_job
from wwc.landing.files import discover
from wwc.settings import Settings

# The longest wait for a second look within a tick: Dagster gives a sensor's evaluation 60 s.
# A file that would need longer (WWC_LANDING_SETTLE_SECONDS above this) waits for a later tick.
MAX_WAIT_IN_TICK = 20.0


def _run_key(name: str, size: int, mtime_ns: int) -> str:
    return f"{name}:{size}:{mtime_ns}"


def landing_sensor(settings: Settings) -> dg.SensorDefinition:
    @dg.sensor(
        name="landing_sensor",
        job=warehouse_job,
        minimum_interval_seconds=settings.sensor_interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    def sensor(context: dg.SensorEvaluationContext):
        """The landing discovery of `wwc refresh` (`discover`): a file nothing has written to
        for WWC_LANDING_SETTLE_SECONDS is requested at once; one written to within it is looked
        at again once it is that old, within the same tick (up to MAX_WAIT_IN_TICK), and
        requested if it did not change (one still being written waits for a later tick); each
        version only once: the cursor keeps the versions requested while they stay in landing,
        and the run key (name, size, mtime) also lets Dagster drop a request it has seen
        before."""
        landing = settings.landing
        cursor = json.loads(context.cursor) if context.cursor else {}
        ready, waiting = discover(landing, settings.settle_seconds, MAX_WAIT_IN_TICK)
        current = {_run_key(file.name, file.size, file.mtime_ns) for file in ready}
        requested = [key for key in cursor.get("requested", []) if key in current]
        requests = []
        for file in ready:
            key = _run_key(file.name, file.size, file.mtime_ns)
            if key not in requested:
                requested.append(key)
                requests.append(dg.RunRequest(run_key=key, tags={LANDING_FILE_TAG: file.name}))
        context.update_cursor(json.dumps({"requested": sorted(requested)}))
        if requests:
            return requests
        if waiting:
            return dg.SkipReason(
                f"waiting for {len(waiting)} file(s) to settle: {', '.join(waiting)}"
            )
        return dg.SkipReason(f"nothing new in {landing}")

    return sensor
