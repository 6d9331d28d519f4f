#!/usr/bin/env python3
"""Run mypy on the `ctair` package with the configuration of pyproject.toml.

    .venv/bin/python scripts/typecheck.py              # the whole package
    .venv/bin/python scripts/typecheck.py ctair.graph  # one subpackage (and what it imports)

Why a script rather than a bare `mypy`: the sources are not laid out as the package they install
(`[tool.setuptools.package-dir]` maps `ctair.loaders` to `loaders/`, `ctair.api` to `api/`, ...),
and mypy finds modules by their place on disk; it cannot follow the import hook of an editable
install. So this builds, under .mypy_cache/, a tree of symbolic links laid out as the installed
package, runs mypy there, and writes its report with the paths of the repository.
Exits with mypy's status.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TREE = REPO_ROOT / ".mypy_cache" / "package-tree"


def package_dirs(pyproject: Path) -> dict[str, Path]:
    """The directory of each package that setuptools maps somewhere else than its dotted name."""
    setuptools = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("setuptools", {})
    return {package: REPO_ROOT / directory for package, directory in setuptools.get("package-dir", {}).items()}


def build_tree(mapping: dict[str, Path]) -> dict[Path, Path]:
    """Link each mapped package into TREE at the place of its dotted name; returns tree path -> real path."""
    shutil.rmtree(TREE, ignore_errors=True)
    TREE.mkdir(parents=True)
    links: dict[Path, Path] = {}
    # Parents first, so that a package mapped inside another one's directory is already reachable.
    for package in sorted(mapping, key=lambda name: name.count(".")):
        source = mapping[package]
        target = TREE.joinpath(*package.split("."))
        if target.exists():
            continue  # reached through its parent's link (ctair.api.routes lives in api/routes)
        children_elsewhere = any(other.startswith(package + ".") for other in mapping)
        target.parent.mkdir(parents=True, exist_ok=True)
        if children_elsewhere:
            # A real directory holding links to the package's own entries, so that the
            # subpackages mapped elsewhere can be linked next to them.
            target.mkdir()
            for entry in source.iterdir():
                if entry.name == "__pycache__" or f"{package}.{entry.name}" in mapping:
                    continue
                (target / entry.name).symlink_to(entry)
                links[target / entry.name] = entry
        else:
            target.symlink_to(source, target_is_directory=True)
            links[target] = source
    return links


def main(argv: list[str]) -> int:
    mapping = package_dirs(REPO_ROOT / "pyproject.toml")
    packages = argv or ["ctair"]
    command = [sys.executable, "-m", "mypy", "--config-file", str(REPO_ROOT / "pyproject.toml")]
    command += ["--cache-dir", str(REPO_ROOT / ".mypy_cache")]
    for package in packages:
        command += ["-p", package]
    if not mapping or set(mapping) == {""}:
        # A layout mypy understands as it is (package directories named as the packages).
        root = REPO_ROOT / mapping.get("", Path("."))
        return subprocess.run(command, cwd=root).returncode
    links = build_tree(mapping)
    report = subprocess.run(command, cwd=TREE, capture_output=True, text=True)
    text = report.stdout + report.stderr
    # Longest first, so that ctair/api/routes/ is not rewritten as ctair/api/ + routes/.
    for link in sorted(links, key=lambda path: len(str(path)), reverse=True):
        tree_path = os.path.relpath(link, TREE)
        real_path = os.path.relpath(links[link], REPO_ROOT)
        if links[link].is_dir():
            text = text.replace(tree_path + os.sep, real_path + os.sep)
        else:
            text = text.replace(tree_path + ":", real_path + ":")
    sys.stdout.write(text)
    return report.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
