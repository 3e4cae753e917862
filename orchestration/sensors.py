"""Watch the landing folder: one run per new settled file, never twice for the same file."""

from __future__ import annotations

import json

import dagster as dg

from orchestration.jobs import LANDING_FILE_TAG, warehouse_job
from wwc.landing.files import Snapshot, old_enough, settled, snapshot
from wwc.settings import Settings


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
        """The landing discovery of `wwc refresh` (`snapshot`, `settled`), its second look
        taken at the next tick: a file is requested at the first tick at which nothing has
        written to it for WWC_LANDING_SETTLE_SECONDS, or once its size and modification time
        are the same on two ticks in a row (so one still being written waits), and only once:
        the cursor keeps the last look and the versions requested. The run key (name, size,
        mtime) also lets Dagster drop a request it has seen before."""
        landing = settings.landing
        cursor = json.loads(context.cursor) if context.cursor else {}
        if "seen" not in cursor:  # no cursor yet (or one from before this format): look again
            cursor = {"seen": {}, "requested": []}
        before = Snapshot({name: tuple(seen) for name, seen in cursor["seen"].items()})
        now = snapshot(landing)
        ready, waiting = settled(landing, before, now, old_enough(settings.settle_seconds))
        current = {_run_key(name, *seen) for name, seen in now.files.items()}
        requested = [key for key in cursor["requested"] if key in current]
        requests = []
        for file in ready:
            key = _run_key(file.name, file.size, file.mtime_ns)
            if key not in requested:
                requested.append(key)
                requests.append(dg.RunRequest(run_key=key, tags={LANDING_FILE_TAG: file.name}))
        context.update_cursor(json.dumps({"seen": now.files, "requested": sorted(requested)}))
        if requests:
            return requests
        if waiting:
            return dg.SkipReason(
                f"waiting for {len(waiting)} file(s) to settle: {', '.join(waiting)}"
            )
        return dg.SkipReason(f"nothing new in {landing}")

    return sensor
