"""The loaders' single entry point for the build: documents in, records and their evaluation out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ctair.text import fold

from .concepts import Concepts
from .corpus import CorpusDocument, read_corpus
from .errors import InputError
from .evaluation import EvaluationReport, evaluate, load_expectations
from .kinds import loader_for
from .overrides import apply_overrides, load_overrides
from .records import UNKNOWN_TERRITORY, ActionKey, DocumentRecords, UnresolvedMention
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


def extract(
    documents: list[CorpusDocument],
    curation_dir: Path,
    *,
    ner: bool = True,
    schemes: Path | None = None,
    extra_curation: tuple[Path, ...] = (),
    expectations_dir: Path | None = None,
) -> Extraction:
    """Read ``documents`` with the registry of ``curation_dir`` (extended by ``extra_curation``
    directories), apply its overrides and score both against the expectations
    (``expectations_dir``, by default ``<curation_dir>/expectations``)."""
    curation_dir = Path(curation_dir)
    registry = Registry.load(curation_dir, *extra_curation)
    concepts = _concepts(Path(schemes) if schemes else SCHEMES)
    automatic = link_same_actions([loader_for(d)(d, registry, concepts=concepts, ner=ner) for d in documents])
    stop_on_unknown_territories(documents, automatic)
    texts = {d.source.id: d.text for d in documents}
    if extra_curation:  # a document set of its own: the main corpus's overrides are about other documents
        corrected = automatic
    else:
        overrides = load_overrides(curation_dir / "overrides.toml", registry)
        corrected = apply_overrides(automatic, overrides, texts, curation_dir / "overrides.toml", registry)
    expectations = load_expectations(Path(expectations_dir or curation_dir / "expectations"), registry)
    return Extraction(
        automatic=automatic,
        corrected=corrected,
        before=evaluate(automatic, expectations),
        after=evaluate(corrected, expectations),
        unresolved=[u for records in automatic for u in records.unresolved],
        registry=registry,
    )


def stop_on_unknown_territories(documents: list[CorpusDocument], read: list[DocumentRecords]) -> None:
    """A report section or article zoom about a territory the registry does not know would silently
    lose that territory's contract and actions: stop, naming the file, the line and the way out."""
    paths = {d.source.id: d for d in documents}
    for records in read:
        for u in records.unresolved:
            if u.ner_label == UNKNOWN_TERRITORY:
                document = paths[records.source.id]
                line = document.text.count("\n", 0, u.mention.span.start) + 1
                raise InputError(
                    document.path,
                    f"territory {u.surface!r} (a section or zoom heading) is not in the registry; "
                    f"run `ctair curate --document {document.path}` to propose it from the official gazetteer, "
                    "review the proposal and `ctair curate accept`",
                    line,
                )


def link_same_actions(documents: list[DocumentRecords]) -> list[DocumentRecords]:
    """An action a document only names ("Une action spécifique … : Ensemble !") that another
    document describes under the same name in the same territory ("ENSEMBLE !") is that action:
    it keeps the description's identity, so both documents end up in one action's provenance. Two
    actions that merely share a title are not linked, nor is a name that fits several actions."""
    described: dict[tuple[str, str], list[ActionKey]] = {}
    for records in documents:
        for action in records.actions:
            if not action.named_reference:
                described.setdefault((action.territory, fold(action.label)), []).append(
                    ActionKey(source=records.source.id, ordinal=action.ordinal)
                )
    out = []
    for records in documents:
        actions = []
        for action in records.actions:
            candidates = [
                k for k in described.get((action.territory, fold(action.label)), []) if k.source != records.source.id
            ]
            if action.named_reference and len(candidates) == 1:
                action = action.model_copy(update={"same_as": candidates[0]})
            actions.append(action)
        out.append(records.model_copy(update={"actions": tuple(actions)}))
    return out


UNSEEN = Path(__file__).resolve().parent.parent / "evaluation" / "unseen"


def evaluate_unseen(directory: Path = UNSEEN, curation_dir: Path | None = None, *, ner: bool = True) -> Extraction:
    """The documents written for evaluation (``evaluation/unseen``): text the rules were not written
    from, annotated before the loaders ever read it, with the registry entries it needs in its own
    ``curation/`` (the main registry is extended, never changed)."""
    directory = Path(directory)
    curation_dir = curation_dir or directory.parent.parent / "corpus" / "curation"
    return extract(
        read_corpus(directory),
        curation_dir,
        ner=ner,
        extra_curation=(directory / "curation",),
        expectations_dir=directory / "expectations",
    )


def per_type_table(before: EvaluationReport, after: EvaluationReport | None = None) -> str:
    """One line per fact type: its precision and recall, before (and after) the overrides."""
    header = f"  {'fact type':24} {'precision':>9} {'recall':>7} {'found':>6} {'expected':>8}"
    if after is not None:
        header += f"   {'after overrides: P':>18} {'R':>6}"
    lines = [header]
    for kind, score in before.per_category.items():
        line = (
            f"  {kind:24} {score.precision:9.3f} {score.recall:7.3f} {score.true_positives + score.false_positives:6d} "
            f"{score.true_positives + score.false_negatives:8d}"
        )
        if after is not None and kind in after.per_category:
            line += f"   {after.per_category[kind].precision:18.3f} {after.per_category[kind].recall:6.3f}"
        lines.append(line)
    overall = before.overall
    lines.append(
        f"  {'all facts':24} {overall.precision:9.3f} {overall.recall:7.3f}"
        f" {overall.true_positives + overall.false_positives:6d} {overall.true_positives + overall.false_negatives:8d}"
        + (f"   {after.overall.precision:18.3f} {after.overall.recall:6.3f}" if after is not None else "")
    )
    return "\n".join(lines)
