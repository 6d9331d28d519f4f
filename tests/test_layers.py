"""The import contracts of pyproject's ``[tool.importlinter]`` hold: ``lint-imports`` finds no
wrong-way import (a graph module importing the API, a loader importing the store…) and no import
cycle inside the CLI, the graph or the loaders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from ctair.settings import REPO_ROOT


def installed_layout(target: Path) -> Path:
    """The ``ctair`` package as a wheel installs it, one directory tree, under ``target``. grimp (under
    import-linter) reads a package's modules from its directory, while this source tree maps
    ``ctair.api`` to ``api/`` and so on (pyproject's ``package-dir``)."""
    setuptools = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    package_dir = setuptools["package-dir"]
    for package in setuptools["packages"]:
        mapped = max((p for p in package_dir if package == p or package.startswith(p + ".")), key=len)
        source = REPO_ROOT / package_dir[mapped] / package[len(mapped) :].lstrip(".").replace(".", "/")
        destination = target.joinpath(*package.split("."))
        for module in source.glob("*.py"):
            destination.mkdir(parents=True, exist_ok=True)
            shutil.copy2(module, destination / module.name)
    return target


def test_no_import_goes_the_wrong_way(tmp_path):
    layout = installed_layout(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(layout)}
    lint_imports = Path(sys.executable).parent / "lint-imports"
    # run outside the source tree: lint-imports puts its working directory first on sys.path
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo", str(REPO_ROOT / "pyproject.toml")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
