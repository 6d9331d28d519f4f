"""The loaders' single entry point for the build: documents in, records and their evaluation out."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .concepts import Concepts
from .corpus import CorpusDocument
from .evaluation import EvaluationReport, evaluate, load_expectations
from .kinds import loader_for
from .overrides import apply_overrides, load_overrides
from .folding import fold
from .records import ActionKey, DocumentRecords, UnresolvedMention
from .registry import Registry

SCHEMES = Path(__file__).resolve().parent.parent / "ontology" / "schemes.ttl"


@lru_cache(maxsize=4)
def _concepts(path: Path) -> Concepts:
    return Concepts.load(path)


def default_concepts() -> Concepts:
    """Axes and publics of ``ontology/schemes.ttl`` (read once)."""
    return _concepts(SCHEMES)


@dataclass(frozen=True)
class Extraction:
    automatic: list[DocumentRecords]  # what the rules (and NER) read
    corrected: list[DocumentRecords]  # after corpus/curation/overrides.toml
    before: EvaluationReport  # automatic vs the hand annotation
    after: EvaluationReport  # corrected vs the hand annotation
    unresolved: list[UnresolvedMention]
    registry: Registry


def extract(documents: list[CorpusDocument], curation_dir: Path, *, ner: bool = True,
            schemes: Path | None = None) -> Extraction:
    curation_dir = Path(curation_dir)
    registry = Registry.load(curation_dir)
    concepts = _concepts(Path(schemes) if schemes else SCHEMES)
    automatic = link_same_actions([loader_for(d)(d, registry, concepts=concepts, ner=ner) for d in documents])
    overrides = load_overrides(curation_dir / "overrides.toml", registry)
    texts = {d.source.id: d.text for d in documents}
    corrected = apply_overrides(automatic, overrides, texts, curation_dir / "overrides.toml", registry)
    expectations = load_expectations(curation_dir / "expectations", registry)
    return Extraction(
        automatic=automatic,
        corrected=corrected,
        before=evaluate(automatic, expectations),
        after=evaluate(corrected, expectations),
        unresolved=[u for records in automatic for u in records.unresolved],
        registry=registry,
    )


def link_same_actions(documents: list[DocumentRecords]) -> list[DocumentRecords]:
    """An action that a later document describes again (same territory, same name once folded:
    "ENSEMBLE !" and "Ensemble !") is the same action: it keeps the first description's identity,
    so both documents end up in one action's provenance. Documents are taken in corpus order."""
    first: dict[tuple[str, str], ActionKey] = {}
    out = []
    for records in documents:
        actions = []
        for action in records.actions:
            key = (action.territory, fold(action.label))
            if key in first and first[key].source != records.source.id:
                action = action.model_copy(update={"same_as": first[key]})
            else:
                first.setdefault(key, ActionKey(source=records.source.id, ordinal=action.ordinal))
            actions.append(action)
        out.append(records.model_copy(update={"actions": tuple(actions)}))
    return out


def main() -> None:  # python -m ctair.loaders.pipeline [corpus_dir] [curation_dir] [--no-ner]
    import sys
    import time

    from .corpus import read_corpus

    root = Path(__file__).resolve().parent.parent
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    corpus = Path(args[0]) if args else root / "corpus"
    curation = Path(args[1]) if len(args) > 1 else corpus / "curation"
    started = time.perf_counter()
    result = extract(read_corpus(corpus), curation, ner="--no-ner" not in sys.argv)
    elapsed = time.perf_counter() - started
    print("BEFORE overrides (automatic extraction)")
    print(result.before.summary())
    print("\nAFTER overrides")
    print(result.after.summary())
    print(f"\nactions per territory: {result.before.actions_per_territory}")
    print(f"unresolved mentions ({len(result.unresolved)}):")
    for u in result.unresolved:
        print(f"  {u.ner_label or '-':5} {u.territory or '-':17} {u.surface!r}")
    print(f"\n{elapsed:.2f}s")


if __name__ == "__main__":
    main()
