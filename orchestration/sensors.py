"""Watch the landing folder: one run per new file, never twice for the same file."""

import json
import os

import dagster as dg

from orchestration.jobs import warehouse_job
from wwc.landing.files import is_temporary
from wwc.settings import landing_dir

INTERVAL_SECONDS = int(os.environ.get("WWC_SENSOR_INTERVAL_SECONDS", "30"))


@dg.sensor(job=warehouse_job, minimum_interval_seconds=INTERVAL_SECONDS,
           default_status=dg.DefaultSensorStatus.RUNNING)  # fmt: skip
def landing_sensor(context: dg.SensorEvaluationContext):
    """A file is requested once its size and modification time are the same on two ticks in a
    row (so one still being written waits), and only once: the cursor keeps, per file, what the
    last tick saw and whether it was requested. The run key (name, size, mtime) also lets
    Dagster drop a request it has seen before."""
    landing = landing_dir()
    previous = json.loads(context.cursor) if context.cursor else {}
    current: dict[str, dict] = {}
    waiting: list[str] = []
    requests = []
    entries = sorted(landing.iterdir()) if landing.is_dir() else []
    for entry in entries:
        if not entry.is_file():
            continue
        if is_temporary(entry.name):
            waiting.append(entry.name)
            continue
        stat = entry.stat()
        key = f"{entry.name}:{stat.st_size}:{stat.st_mtime_ns}"
        before = previous.get(entry.name, {})
        requested = before.get("key") == key and before.get("requested", False)
        current[entry.name] = {"key": key, "requested": requested}
        if before.get("key") != key:
            waiting.append(entry.name)  # new or still changing: look again next tick
        elif not requested:
            current[entry.name]["requested"] = True
            requests.append(dg.RunRequest(run_key=key, tags={"wwc/landing_file": entry.name}))
    context.update_cursor(json.dumps(current, sort_keys=True))
    if requests:
        return requests
    if waiting:
        return dg.SkipReason(f"waiting for {len(waiting)} file(s) to settle: {', '.join(waiting)}")
    return dg.SkipReason(f"nothing new in {landing}")
