"""`wwc-dbt`: the dbt executable of Dagster's dbt steps. A run that started dbt ahead
(`dbt_runner.DbtAhead.serving`) runs it through a link named `dbt` in a private folder that also
holds that process's socket, `dbt.sock`: this command hands the process its arguments,
environment, working folder, stdout and stderr, so that the build runs there, in a process that
has imported dbt and parsed the project already, and exits with the build's exit code (2, as
dbt's "could not run", if that process dies during the build). With no socket beside it, or no
process listening on it, it is the `dbt` beside this Python.

Only the standard library is imported: this is a process of every Dagster run.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

SOCKET = "dbt.sock"  # beside the link this command is run through
# A request: an 8-byte length, then that many bytes of JSON; the client's stdout and stderr
# travel with the first bytes (SCM_RIGHTS). wwc/dbt_worker.py reads it.
LENGTH_BYTES = 8


def _served(address: Path, args: list[str]) -> int | None:
    """dbt's exit code from the process at `address`, or None if none took the request."""
    try:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.connect(str(address))
    except OSError:
        return None
    with server:
        request = json.dumps({"args": args, "env": dict(os.environ), "cwd": os.getcwd()}).encode()
        message = len(request).to_bytes(LENGTH_BYTES, "big") + request
        try:
            sent = socket.send_fds(server, [message], [1, 2])
            server.sendall(message[sent:])
        except OSError:  # the process died before it took the request: nothing ran
            return None
        # A signal ends this command here; the process sees the connection close and stops.
        try:
            answer = server.recv(1)
        except OSError:
            answer = b""
    # No answer: the process died during the build, as a killed dbt would (dbt's "could not run").
    return answer[0] if answer else 2


def main() -> int:
    args = sys.argv[1:]
    address = Path(sys.argv[0]).with_name(SOCKET)
    try:
        if address.is_socket():
            code = _served(address, args)
            if code is not None:
                return code
        dbt = str(Path(sys.executable).with_name("dbt"))
        os.execv(dbt, [dbt, *args])
    except KeyboardInterrupt:  # as dbt exits on Ctrl-C; the process behind the socket stops
        return 130
    except OSError as exc:
        print(f"wwc-dbt: could not run dbt: {exc}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
