"""The store a notebook reads, found from wherever the notebook is opened.

In order: ``CTAIR_ENDPOINT`` (the ``/sparql`` URL of a running ``ctair serve``, e.g.
``http://127.0.0.1:8000/sparql``), ``CTAIR_STORE`` (a store directory or a remote store URL),
then the first ``var/store`` in the current directory or one of its parents (a notebook opened
from ``notebooks/`` finds the project's), then the one of the project ctair is installed from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ctair.graph.remote_store import open_store
from ctair.graph.terms import StoreError
from ctair.settings import REPO_ROOT

STORE_DIRECTORY = Path("var") / "store"


def find_project_store(start: Path | None = None) -> Path | None:
    """The nearest ``var/store`` holding an Oxigraph store, from ``start`` up, else the installed project's."""
    start = (start or Path.cwd()).resolve()
    for directory in (start, *start.parents, REPO_ROOT):
        candidate = directory / STORE_DIRECTORY
        if (candidate / "CURRENT").exists():
            return candidate
    return None


def open_project_store(start: Path | None = None, *, environ: Mapping[str, str] | None = None):
    """The read-only store of the project (see the module docstring); a clear error if there is none."""
    environ = os.environ if environ is None else environ
    endpoint = environ.get("CTAIR_ENDPOINT")
    if endpoint:
        return open_store(endpoint, read_only=True, query_url=endpoint)
    if environ.get("CTAIR_STORE"):
        return open_store(environ["CTAIR_STORE"], read_only=True)
    found = find_project_store(start)
    if found is None:
        raise StoreError(
            f"no Oxigraph store in {STORE_DIRECTORY} of {(start or Path.cwd()).resolve()}, its parents or {REPO_ROOT}: "
            "run `make run` (or `ctair build`) in the project, or set CTAIR_STORE to a store directory "
            "or CTAIR_ENDPOINT to a running server's /sparql URL"
        )
    return open_store(found, read_only=True)
