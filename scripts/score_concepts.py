"""Precision and recall of the axes and publics the loaders extract, per document, against the
hand annotations (expectations schema v2: ``axes = [...]``, ``publics = [...]`` per action and per
contract), and the time the extraction of the whole corpus takes.

    .venv/bin/python scripts/score_concepts.py [--expectations DIR] [--unseen DIR] [--verbose]

Units scored (strict: a concept counts only if it is the annotated one, a top axis does not stand
for its theme):

* diair-report: each action keyed by territory + printed ordinal; each contract (its introduction)
  keyed by territory;
* web-article: each zoom keyed by territory; the annotators put the zoom's axes on the contract,
  the loader on the zoom's single action, so both sides are the union of contract and action.

Contracts have no extracted publics (``Contract`` carries axes only): contract publics are left out.
``--unseen DIR`` also scores the documents of DIR (manifests + texts + ``curation/`` additions +
``expectations/``): text the rules were not written from, reported apart. Extraction runs without
NER (NER finds no axes or publics).
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, key: str, got: set[str], expected: set[str]) -> None:
        self.tp += len(got & expected)
        self.fp += len(got - expected)
        self.fn += len(expected - got)
        if got != expected:
            self.misses.append(f"{key}: +{sorted(got - expected)} -{sorted(expected - got)}")

    def __str__(self) -> str:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")
        return f"P {precision:.2f} R {recall:.2f} (tp {self.tp:3d} fp {self.fp:3d} fn {self.fn:3d})"


def _extract(corpus: Path, curation: Path):
    from ctair.loaders.corpus import read_corpus
    from ctair.loaders.pipeline import default_concepts, extract

    documents = read_corpus(corpus)
    started = time.perf_counter()
    default_concepts()  # the schemes (and the lemma tables) load once per process
    loaded = time.perf_counter()
    extraction = extract(documents, curation, ner=False)
    done = time.perf_counter()
    return extraction.automatic, loaded - started, done - loaded


def _score(records, expectation: dict) -> dict[str, tuple[Score, Score]]:
    """{unit kind: (axes score, publics score)} of one document."""
    kind = "zooms" if records.source.kind == "web-article" else None
    expected_contracts = {c["territory"]: c for c in expectation.get("contracts", [])}
    expected_actions = {(a["territory"], a["ordinal"]): a for a in expectation.get("actions", [])}
    out: dict[str, tuple[Score, Score]] = {}
    if kind == "zooms":
        axes, publics = out.setdefault("zooms", (Score(), Score()))
        for contract in records.contracts:
            territory = contract.territory
            actions = [a for a in records.actions if a.territory == territory]
            got_axes = {x.axis for x in contract.axes} | {x.axis for a in actions for x in a.axes}
            got_publics = {x.public for a in actions for x in a.publics}
            wanted = [expected_contracts.get(territory, {})] + [
                a for (t, _), a in expected_actions.items() if t == territory
            ]
            axes.add(territory, got_axes, {x for w in wanted for x in w.get("axes") or []})
            publics.add(territory, got_publics, {x for w in wanted for x in w.get("publics") or []})
        return out
    axes, publics = out.setdefault("actions", (Score(), Score()))
    seen = set()
    for action in records.actions:
        key = (action.territory, action.ordinal)
        seen.add(key)
        wanted = expected_actions.get(key, {})
        axes.add(f"{key[0]} {key[1]}", {x.axis for x in action.axes}, set(wanted.get("axes") or []))
        publics.add(f"{key[0]} {key[1]}", {x.public for x in action.publics}, set(wanted.get("publics") or []))
    for key, wanted in expected_actions.items():  # annotated actions the loader did not find
        if key not in seen:
            axes.add(f"{key[0]} {key[1]} (not extracted)", set(), set(wanted.get("axes") or []))
            publics.add(f"{key[0]} {key[1]} (not extracted)", set(), set(wanted.get("publics") or []))
    contract_axes, _ = out.setdefault("contracts", (Score(), Score()))
    for contract in records.contracts:
        wanted = expected_contracts.get(contract.territory, {})
        contract_axes.add(contract.territory, {x.axis for x in contract.axes}, set(wanted.get("axes") or []))
    return out


def _expectations(folder: Path) -> dict[str, dict]:
    out = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        out[data["source"]] = data
    return out


def _unseen_corpus(unseen: Path, work: Path) -> tuple[Path, Path]:
    """A corpus directory with the unseen documents and a curation directory = the corpus's one
    plus the unseen additions (same TOML arrays, so appending the text merges them)."""
    corpus = work / "unseen"
    curation = corpus / "curation"
    curation.mkdir(parents=True)
    for path in unseen.glob("*.toml"):
        # the unseen manifests cite their public sources in a field the corpus manifests lack
        manifest = re.sub(r"(?ms)^sources\s*=\s*\[.*?^\]\s*$", "", path.read_text(encoding="utf-8"))
        (corpus / path.name).write_text(manifest, encoding="utf-8")
    for path in unseen.glob("*.txt"):
        shutil.copy(path, corpus / path.name)
    for path in (ROOT / "corpus" / "curation").glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        extra = unseen / "curation" / path.name
        # territories only: the annotators' organisation additions use a newer registry format
        # (networks, member_of, per-territory aliases) this branch does not read; without them a
        # hit inside an unknown organisation's name is only caught by the registry-free name rules
        if extra.is_file() and path.name == "territories.toml":
            text += "\n" + extra.read_text(encoding="utf-8")
        (curation / path.name).write_text(text, encoding="utf-8")
    (curation / "overrides.toml").write_text("", encoding="utf-8")
    (curation / "expectations").mkdir()
    return corpus, curation


def report(label: str, corpus: Path, curation: Path, expectations: dict[str, dict], verbose: bool) -> None:
    records_list, load_seconds, extract_seconds = _extract(corpus, curation)
    actions = sum(len(r.actions) for r in records_list)
    print(
        f"{label}: extraction of {len(records_list)} documents, {actions} actions (NER off): "
        f"{extract_seconds:.2f}s, plus {load_seconds:.2f}s loading the schemes and lemma tables"
    )
    for records in records_list:
        expectation = expectations.get(records.source.id)
        if expectation is None:
            print(f"  {records.source.id}: no expectations")
            continue
        for unit, (axes, publics) in _score(records, expectation).items():
            publics_text = str(publics) if unit != "contracts" else "(no extracted publics)"
            print(f"  {records.source.id:34} {unit:9} axes {axes}   publics {publics_text}")
            if verbose:
                for miss in axes.misses:
                    print(f"      axes    {miss}")
                if unit != "contracts":
                    for miss in publics.misses:
                        print(f"      publics {miss}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument(
        "--expectations",
        type=Path,
        default=ROOT / "corpus" / "curation" / "expectations",
        help="folder of schema-v2 expectation TOML files",
    )
    parser.add_argument(
        "--unseen",
        type=Path,
        default=None,
        help="folder of unseen documents (manifests, texts, curation/, expectations/)",
    )
    parser.add_argument("--verbose", action="store_true", help="print every unit whose concepts differ")
    args = parser.parse_args(argv)
    report("corpus", args.corpus, args.corpus / "curation", _expectations(args.expectations), args.verbose)
    if args.unseen is not None:
        with tempfile.TemporaryDirectory() as work:
            corpus, curation = _unseen_corpus(args.unseen, Path(work))
            report("unseen", corpus, curation, _expectations(args.unseen / "expectations"), args.verbose)


if __name__ == "__main__":
    main()
