"""The README cannot rot: its commands run, and every setting, command and route is in it."""

from __future__ import annotations

import re
import shlex

import pytest

from ctair.cli import main, make_parser
from ctair.settings import REPO_ROOT, Settings

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```[^\n]*\n(.*?)^```", markdown, flags=re.M | re.S)


def test_readme_opens_with_exactly_the_two_commands():
    first = code_blocks(README)[0].split("\n")
    assert [line for line in first if line.strip()] == ["make run", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name):
    assert f"CTAIR_{name.upper()}" in README, f"setting {name} is not in the README's configuration table"
    assert Settings.model_fields[name].description, f"setting {name} has no description"


def test_every_command_is_documented():
    commands = make_parser()._subparsers._group_actions[0].choices
    for command in commands:
        assert f"ctair {command}" in README, f"`ctair {command}` is not in the README"


def test_every_api_route_is_documented():
    from ctair.api.app import create_app
    from ctair.graph.named_queries import load_named_queries

    # /api/queries/<name>: one OpenAPI path per named query (its parameters), all served by the
    # route /api/queries/{name} that the README documents
    per_query = {f"/api/queries/{name}" for name in load_named_queries()}
    paths = [p for p in create_app().openapi()["paths"] if p.startswith("/api/") and p not in per_query]
    assert len(paths) >= 10
    for path in paths:
        assert path.split("{")[0].rstrip("/") in README, f"route {path} is not in the README"


def readme_examples() -> list[list[str]]:
    """`ctair …` lines of the README's examples that name real things (no NAME/PATH placeholders)."""
    # `ctair curate` changes the registry: its README example runs on a copy (tests/loaders/test_curate.py)
    examples = []
    for block in code_blocks(README):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if (
                line.startswith("ctair ")
                and not re.search(r"[A-Z]{3,}|…|\[", line)
                and line.split()[1] not in ("serve", "build", "queries", "evaluate", "curate")
            ):
                examples.append(shlex.split(line)[1:])
    return examples


@pytest.mark.parametrize("argv", readme_examples(), ids=lambda argv: " ".join(argv))
def test_readme_examples_run(argv, built_store_path, capsys, tmp_path):
    argv = [a.replace("FILE", str(tmp_path / "out")) for a in argv]
    assert main([*argv, "--store", str(built_store_path)]) == 0
    assert capsys.readouterr().out.strip()
