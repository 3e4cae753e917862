"""A pytest plugin: install the system packages the tests need, once, before any test runs.

The README's test command must pass on a machine that has only Python and pip, and pip cannot
install a browser or a Java runtime. Debian's packages can: when `chromium` (the browser tests)
or, for a run that includes the Spark build test, `java` is missing, this runs `apt-get` for
them, as root (CI and a fresh machine run as root; anyone else is told what to install, and only
the tests that need the package fail). Loaded by `-p system_packages` in pyproject.toml.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

CHROMIUM = ("chromium", "chromium")  # (command, Debian package)
JAVA = ("java", "openjdk-17-jre-headless")
TIMEOUT_SECONDS = 900


def _missing(config: pytest.Config) -> list[tuple[str, str]]:
    wanted = [CHROMIUM]
    if os.environ.get("WWC_TEST_SPARK") == "1" or "spark" in (config.option.markexpr or ""):
        wanted.append(JAVA)
    return [(command, package) for command, package in wanted if not shutil.which(command)]


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    # Once, in the main process, before pytest-xdist starts its workers (its own
    # pytest_sessionstart runs last); the workers find the packages installed.
    if hasattr(session.config, "workerinput"):
        return
    missing = _missing(session.config)
    if not missing:
        return
    packages = [package for _, package in missing]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        if reporter:
            reporter.write_line(
                f"Not installing {', '.join(packages)} (needs root and apt-get): the tests that "
                f"use them will fail; install them with: apt-get install -y {' '.join(packages)}"
            )
        return
    if reporter:
        reporter.write_line(f"Installing with apt-get for the tests: {', '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # Wait for another apt-get (a second test run, the machine's own updates) rather than fail.
    apt = ["apt-get", "-o", f"DPkg::Lock::Timeout={TIMEOUT_SECONDS // 2}", "-qq"]
    for command in ([*apt, "update"], [*apt, "install", "-y", *packages]):
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
        if done.returncode != 0:
            raise pytest.UsageError(
                f"`{' '.join(command)}` failed (exit {done.returncode}); the tests need "
                f"{', '.join(packages)}:\n{done.stderr[-2000:]}"
            )
