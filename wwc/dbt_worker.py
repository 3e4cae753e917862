"""The process behind `dbt_runner.DbtAhead`: dbt started before its build is due. It imports dbt
at once, then runs the commands it reads on stdin (one JSON list of dbt's arguments per line) in
this process with dbt's programmatic runner: a `parse` while the caller checks and loads the
landing files, then the build, on the manifest that parse made (after a failed parse, which said
why, nothing more). At the end of its input it exits with the last command's exit code, as the
`dbt` executable would (0 success, 1 a model or test failed, 2 dbt could not run); its exit
closes the adapter's DuckDB connection.

Run as `python -m wwc.dbt_worker`; only dbt and the standard library are imported.
"""

from __future__ import annotations

import json
import signal
import sys


def main() -> int:
    # Ctrl-C reaches this process with the command's: the command decides, and stops this one
    # (or lets its parse finish).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from dbt.cli.main import dbtRunner

    manifest = None
    code = 0
    for line in sys.stdin:
        if code:  # the parse failed and said why: the build would only say it again
            continue
        args: list[str] = json.loads(line)
        result = dbtRunner(manifest=manifest).invoke(args)
        code = 0 if result.success else 2 if result.exception else 1
        if args[0] == "parse":
            manifest = result.result
    return code


if __name__ == "__main__":
    sys.exit(main())
