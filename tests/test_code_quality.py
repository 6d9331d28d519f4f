"""The code checks of `make test`: ruff's lint rules and mypy's types (strict on ctair.loaders and
ctair.graph), as configured in pyproject.toml. Each test fails with the tool's own report.
Line length (E501) is checked apart, so that its report is not lost among the others."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ctair.settings import REPO_ROOT


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)


def ruff_check(*options: str) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "ruff", "check", "--no-fix", "--output-format", "concise", *options, ".")


def test_ruff_lint_passes():
    result = ruff_check("--extend-ignore", "E501")
    assert result.returncode == 0, result.stdout + result.stderr


def test_lines_are_at_most_120_characters():
    result = ruff_check("--select", "E501")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_leaves_the_code_unchanged():
    result = run(sys.executable, "-m", "ruff", "format", "--check", "--diff", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_passes():
    # scripts/typecheck.py runs mypy on the package as installed (ctair.loaders lives in loaders/);
    # its incremental cache in .mypy_cache keeps a second run to a few seconds.
    result = run(sys.executable, str(REPO_ROOT / "scripts" / "typecheck.py"))
    assert result.returncode == 0, result.stdout + result.stderr
