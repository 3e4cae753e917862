"""Real BI clients for the tests, installed by the tests themselves from the package registries
(npm, PyPI) into a temporary folder, so a fresh machine needs only Node, npm and uv."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

CLIENTS = Path(__file__).resolve().parent.parent / "clients"

# @duckdb/node-api: 1.4.0 (the oldest engine the published file promises), 1.4.2 (what
# Evidence's connector resolved when its range ^1.4.2-r.1 was set) and the latest 1.x on npm.
NODE_API_VERSIONS = ("1.4.0-r.1", "1.4.2-r.1", "1.5.6-r.1")
EVIDENCE_CONNECTOR = "@evidence-dev/duckdb@2.0.1"
EVIDENCE_NODE_API = "1.4.2-r.1"
# The DuckDB CLI on PyPI (package duckdb-cli): the oldest 1.4 release it has and the latest.
DUCKDB_CLI_VERSIONS = ("1.4.4", "1.5.6")
PLAYWRIGHT_CORE = "playwright-core@1.65.1"  # drives Debian's chromium; downloads no browser
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def tool(name: str, hint: str) -> str:
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is needed for the BI client tests: {hint}")
    return found


def run(command: list[str], timeout: float = 300, **kwargs: Any) -> subprocess.CompletedProcess:
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-3000:]}\n"
            f"{done.stderr[-3000:]}"
        )
    return done


def npm_install(folder: Path, *packages: str) -> Path:
    """`npm install` the packages into folder (its own package.json); returns node_modules."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text('{"private": true}\n')
    npm = tool("npm", "install Node.js 20+ with npm")
    run(
        [
            npm,
            "install",
            "--prefix",
            str(folder),
            "--no-audit",
            "--no-fund",
            "--no-package-lock",
            "--loglevel=error",
            *packages,
        ]
    )
    return folder / "node_modules"


def node_json(*args: str, timeout: float = 120) -> dict[str, Any]:
    """Run a client script under tests/clients with node; parse the JSON it prints."""
    node = tool("node", "install Node.js 20+")
    done = run([node, *args], timeout=timeout)
    return json.loads(done.stdout.strip().splitlines()[-1])


def uv_command() -> list[str]:
    """uv: the one `uv run` exported, on PATH, or the module installed with `pip install uv`."""
    for candidate in (os.environ.get("UV"), shutil.which("uv")):
        if candidate and Path(candidate).exists():
            return [candidate]
    return [shutil.which("python3") or sys.executable, "-m", "uv"]


def duckdb_cli(folder: Path, version: str) -> Path:
    """The DuckDB CLI from PyPI (duckdb-cli==version) in its own virtual environment."""
    venv = folder / f"duckdb-cli-{version}"
    uv = uv_command()
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    run([*uv, "venv", "--quiet", "--python", sys.executable, str(venv)], env=env)
    run(
        [
            *uv,
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            f"duckdb-cli=={version}",
        ],
        env=env,
    )
    return venv / "bin" / "duckdb"


def chromium() -> str:
    """Debian's chromium (the test session installs it when missing: tests/system_packages.py)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("chromium is needed for the browser tests: apt-get install -y chromium")
