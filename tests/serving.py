"""Run the real ctair server in a subprocess for a test, over real HTTP on 127.0.0.1.

    with running_server(store_path, query_timeout=2, allow_update=True, admin_token="t") as base_url:
        urllib.request.urlopen(base_url + "/sparql?query=ASK%7B%7D")

Every keyword option is a setting of :class:`ctair.settings.Settings`, passed to the server
as its ``CTAIR_<NAME>`` environment variable (so any setting works, present or future).
The server runs ``python -m ctair.cli.server`` on a free port; the context manager waits
until it answers, yields its base URL (no trailing slash), and stops it on exit (SIGTERM,
then SIGKILL if it has not stopped within a few seconds). The yielded URL also has a
``process`` attribute: the server's ``subprocess.Popen`` (its ``pid``, for tests that look
at the server's worker processes).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class ServerURL(str):
    """The base URL, a ``str``, that also carries the server ``process`` (a Popen)."""

    process: subprocess.Popen


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url + "/sparql", timeout=1) as response:
                response.read()
                return True
        except urllib.error.HTTPError:
            return True  # it answers, even if with an error
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.05)
    return False


def stop(process: subprocess.Popen, timeout: float = 8.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextlib.contextmanager
def running_server(
    store_path: Path | str, *, startup_timeout: float = 30.0, log_level: str = "warning", **options: object
) -> Iterator[ServerURL]:
    """Start ``python -m ctair.cli.server store_path`` on a free port; yield its base URL."""
    env = dict(os.environ)
    for name in [k for k in env if k.startswith("CTAIR_")]:
        del env[name]  # the test decides, not the developer's shell
    for name, value in options.items():
        if value is not None:
            env[f"CTAIR_{name.upper()}"] = _env_value(value)
    env.setdefault("PYTHONUNBUFFERED", "1")
    last_error = "did not start"
    for _attempt in range(3):  # the free port may be taken between the check and the bind
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ctair.cli.server",
                str(store_path),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                log_level,
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            if _wait_until_up(url, process, startup_timeout):
                base = ServerURL(url)
                base.process = process
                yield base
                return
            last_error = f"exited with {process.poll()}" if process.poll() is not None else "did not answer"
        finally:
            stop(process)
    raise RuntimeError(f"the ctair server {last_error} (store {store_path})")
