"""The axes and publics the bundled expectations hold are the adjudication of three readings, and
the readers' agreement is printed by ``ctair evaluate --agreement``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ctair.loaders.agreement import Adjudication, expected_from_expectations, read_decisions
from ctair.loaders.errors import InputError
from ctair.loaders.evaluation import load_expectations

ROOT = Path(__file__).resolve().parents[2]
READINGS = ROOT / "corpus" / "curation" / "readings"


def test_the_expectations_are_the_majority_of_three_readings(registry):
    adjudication = Adjudication.load(READINGS)
    assert adjudication.undecided() == []  # every disagreement of the first two readings was decided
    expectations = load_expectations(ROOT / "corpus" / "curation" / "expectations", registry)
    held = expected_from_expectations(expectations)
    assert held == adjudication.expected(), sorted(held ^ adjudication.expected())


def test_an_overruled_majority_names_why(tmp_path):
    adjudication = Adjudication.load(READINGS)
    assert adjudication.overruled and all(len(why) > 40 for why in adjudication.overruled.values())
    assert not set(adjudication.overruled) & adjudication.expected()


def test_a_disputed_item_follows_the_third_reading(tmp_path):
    (tmp_path / "first-reading.toml").write_text(
        '[[actions]]\nsource = "d"\nterritory = "t"\nordinal = 1\naxes = ["logement", "sante"]\npublics = ["bpi"]\n'
    )
    (tmp_path / "second-reading.toml").write_text(
        '[[actions]]\nsource = "d"\nterritory = "t"\nordinal = 1\naxes = ["logement", "emploi"]\npublics = ["bpi"]\n'
    )
    item = '[[item]]\nsource = "d"\nterritory = "t"\nunit = "action 1"\nkind = "axis"\n'
    (tmp_path / "third-reading.toml").write_text(
        item + 'concept = "sante"\nanswer = "no"\n' + item + 'concept = "emploi"\nanswer = "yes"\n'
    )
    (tmp_path / "adjudication.toml").write_text("")
    adjudication = Adjudication.load(tmp_path)
    assert {f[-1] for f in adjudication.expected()} == {"logement", "emploi", "bpi"}
    assert adjudication.agreement()["axis"] == (2, 2, 1, 0.5)


def test_a_broken_reading_names_the_file(tmp_path):
    (tmp_path / "third-reading.toml").write_text("[[item]\n")
    with pytest.raises(InputError, match="third-reading.toml"):
        read_decisions(tmp_path / "third-reading.toml")


def test_evaluate_prints_the_agreement():
    run = subprocess.run(
        [sys.executable, "-m", "ctair.cli", "evaluate", "--no-ner", "--agreement"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert "Agreement of two independent readings" in run.stdout
    assert "disputed items 28" in run.stdout
