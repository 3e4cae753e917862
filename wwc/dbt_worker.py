"""The process behind `dbt_runner.DbtAhead`: dbt started before its build is due. It imports dbt
at once, then runs the commands it reads on stdin (one JSON list of dbt's arguments per line) in
this process with dbt's programmatic runner: a `parse` while the caller checks and loads the
landing files, then the build, on the manifest that parse made (after a failed parse, which said
why, nothing more). At the end of its input it exits with the last command's exit code, as the
`dbt` executable would (0 success, 1 a model or test failed, 2 dbt could not run); its exit
closes the adapter's DuckDB connection.

Under Dagster the build is not a line on stdin but dagster-dbt's own `dbt` command: the line
`{"serve": <fd>, "took": <fd>, ...}` makes this process accept one connection on that listening
socket (and say so on the pipe `took`) from `wwc/dbt_client.py`, which dagster-dbt starts as
its dbt executable. The client hands over its arguments, environment, working folder, stdout
and stderr; the build runs here as if it were the client (on the parsed manifest when it asks
for the same project, vars and target folder and the parse succeeded), and its exit code goes
back for the client to exit with. A client that goes away before the answer
(its run was cancelled) takes this process with it.

Run as `python -m wwc.dbt_worker`; only dbt, the standard library and the request format of
`wwc/dbt_client.py` (standard library only) are imported.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
import threading
from typing import Any

from wwc.dbt_client import LENGTH_BYTES


def _exit_code(result: Any) -> int:
    return 0 if result.success else 2 if result.exception else 1


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 2)
    while len(data) < LENGTH_BYTES or len(data) < LENGTH_BYTES + int.from_bytes(
        data[:LENGTH_BYTES], "big"
    ):
        more = conn.recv(1 << 16)
        if not more:
            raise ConnectionError("the dbt client went away before its request was complete")
        data += more
    if len(fds) != 2:
        raise ValueError("a dbt client sends its stdout and stderr")
    return json.loads(data[LENGTH_BYTES:]), fds


def _vars(args: list[str]) -> str | None:
    return args[args.index("--vars") + 1] if "--vars" in args[:-1] else None


def _serve(command: dict[str, Any], manifest: Any, parsed_vars: str | None) -> int:
    """Run the one build a client asks for, as that client; return its exit code. `command`:
    the listening socket (`serve`), the pipe that tells the caller a request was taken
    (`took`), and the environment the parse read the project with (`parsed_with`)."""
    import click
    from dbt.cli.main import dbtRunner

    listener = socket.socket(fileno=command["serve"])
    conn, _ = listener.accept()
    listener.close()
    os.write(command["took"], b"1")
    os.close(command["took"])
    try:
        request, fds = _receive(conn)
    except (OSError, ValueError):  # the client went away (or was not ours): nothing to run
        return 2
    answered = threading.Event()

    def die_with_client() -> None:
        # Returns when the client exits: after the answer, or killed before it.
        with contextlib.suppress(OSError):
            conn.recv(1)
        if not answered.is_set():
            os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=die_with_client, daemon=True).start()
    env: dict[str, str] = request["env"]
    os.environ.clear()
    os.environ.update(env)
    os.chdir(request["cwd"])
    sys.stdout.flush()
    sys.stderr.flush()
    for fd, target in zip(fds, (1, 2), strict=True):
        os.dup2(fd, target)
        os.close(fd)
    # The client's reader (dagster-dbt) streams dbt's events line by line.
    sys.stdout.reconfigure(line_buffering=True)
    # The parse ahead stands for this build only if it read the same project, with the same
    # vars, into the same target folder; otherwise (or if it failed) dbt parses here, as its
    # executable would, and says what is wrong where the client's reader looks.
    args: list[str] = request["args"]
    same = _vars(args) == parsed_vars and all(
        env.get(name) == value for name, value in command["parsed_with"].items()
    )
    result = dbtRunner(manifest=manifest if same else None).invoke(args)
    if isinstance(result.exception, click.ClickException):
        result.exception.show()  # what the dbt executable prints for arguments it refuses
    code = _exit_code(result)
    sys.stdout.flush()
    sys.stderr.flush()
    answered.set()
    _answer(conn, code)
    return code


def _answer(conn: socket.socket, code: int) -> None:
    with contextlib.suppress(OSError):  # a client that is gone has nobody left to tell
        conn.sendall(bytes([code]))


def main() -> int:
    # Ctrl-C reaches this process with the command's: the command decides, and stops this one
    # (or lets its parse finish).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from dbt.cli.main import dbtRunner

    manifest = parsed_vars = None
    code = 0
    for line in sys.stdin:
        command: list[str] | dict[str, Any] = json.loads(line)
        if isinstance(command, dict):
            return _serve(command, manifest if code == 0 else None, parsed_vars)
        if code:  # the parse failed and said why: the build would only say it again
            continue
        result = dbtRunner(manifest=manifest).invoke(command)
        code = _exit_code(result)
        if command[0] == "parse":
            manifest = result.result
            parsed_vars = _vars(command)
    return code


if __name__ == "__main__":
    sys.exit(main())
