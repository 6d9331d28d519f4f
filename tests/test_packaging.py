"""The install stays quiet: every directory of static files or templates is a listed package
(setuptools warns at each install about a data directory that is not), and the licence is an
SPDX expression (a table is deprecated)."""

from __future__ import annotations

import tomllib

from ctair.settings import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_data_directory_is_a_listed_package():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    for top in ("static", "templates"):
        for directory in [REPO_ROOT / "api" / top, *(REPO_ROOT / "api" / top).rglob("*")]:
            if directory.is_dir() and directory.name != "__pycache__":
                package = "ctair.api." + ".".join(directory.relative_to(REPO_ROOT / "api").parts)
                assert package in listed, f"{package} is not in [tool.setuptools] packages"
                assert package in PYPROJECT["tool"]["setuptools"]["package-data"], f"{package} has no package-data"


def test_licence_is_an_spdx_expression():
    assert isinstance(PYPROJECT["project"]["license"], str)


def test_the_notebook_extra_installs_jupyterlab():
    assert any(r.startswith("jupyterlab") for r in PYPROJECT["project"]["optional-dependencies"]["notebook"])


def test_make_run_takes_port_and_host():
    import subprocess

    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8080", "HOST=127.0.0.1"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert "serve --host 127.0.0.1 --port 8080" in dry.stdout
