"""Axes and target publics, detected in text from the SKOS labels of ``ontology/schemes.ttl``.

The concepts are read with rdflib: every ``skos:Concept`` whose IRI is in the axis namespace
(``https://w3id.org/ctair/axis/``) or the public namespace (``…/public/``), with its
``skos:prefLabel``, ``skos:altLabel`` and ``skos:hiddenLabel`` in French (or without language). A label matches
accent-, case- and punctuation-insensitively on word boundaries, longest first, each word
allowing a plural ``s``/``x`` ("changement de regards" matches the label "changement de regard").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .folding import FoldedText, fold

AXIS_NS = "https://w3id.org/ctair/axis/"
PUBLIC_NS = "https://w3id.org/ctair/public/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass(frozen=True, slots=True)
class ConceptHit:
    concept: str  # local name
    start: int
    end: int


def _norm(word: str) -> str:
    """A word without one plural mark, so that "regards" meets the label "regard"."""
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


_WORD = re.compile(r"[0-9a-z]+")


class ConceptMatcher:
    """Longest-first, leftmost, non-overlapping match of label word sequences over the folded text
    (a dictionary of word n-grams: one lookup per position and length, no regex per label)."""

    def __init__(self, labels: dict[str, list[str]]):
        """``labels``: local name -> labels."""
        self.labels = labels
        self._keys: dict[tuple[str, ...], str] = {}
        for concept in sorted(labels):
            for name in labels[concept]:
                words = tuple(_norm(w) for w in fold(name).split())
                if words:
                    self._keys.setdefault(words, concept)
        self._longest = max((len(k) for k in self._keys), default=0)

    def find(self, folded: FoldedText, start: int = 0, end: int | None = None) -> list[ConceptHit]:
        spans = [(m.start(), m.end()) for m in _WORD.finditer(folded.folded)]
        words = [_norm(folded.folded[a:b]) for a, b in spans]
        out = []
        i, count = 0, len(words)
        keys, longest = self._keys, self._longest
        while i < count:
            for n in range(min(longest, count - i), 0, -1):
                concept = keys.get(tuple(words[i:i + n]))
                if concept is not None:
                    o_start, o_end = folded.original_span(spans[i][0], spans[i + n - 1][1])
                    if o_start >= start and (end is None or o_end <= end):
                        out.append(ConceptHit(concept, o_start, o_end))
                    i += n
                    break
            else:
                i += 1
        return out


@dataclass(frozen=True)
class Concepts:
    axes: ConceptMatcher
    publics: ConceptMatcher

    @classmethod
    def load(cls, path: Path) -> "Concepts":
        from rdflib import Graph, URIRef
        from rdflib.namespace import RDF

        path = Path(path)
        if not path.is_file():
            raise InputError(path, "SKOS concept schemes file not found")
        graph = Graph()
        try:
            graph.parse(path, format="turtle")
        except Exception as error:  # rdflib raises several parser error types
            match = re.search(r"line (\d+)", str(error))
            raise InputError(path, f"not valid Turtle: {error}", int(match.group(1)) if match else None) from error
        axes: dict[str, list[str]] = {}
        publics: dict[str, list[str]] = {}
        concept_type = URIRef(SKOS + "Concept")
        for concept in graph.subjects(RDF.type, concept_type):
            iri = str(concept)
            target = axes if iri.startswith(AXIS_NS) else publics if iri.startswith(PUBLIC_NS) else None
            if target is None:
                continue
            local = iri.rsplit("/", 1)[1]
            names = target.setdefault(local, [])
            for predicate in (URIRef(SKOS + "prefLabel"), URIRef(SKOS + "altLabel"), URIRef(SKOS + "hiddenLabel")):
                for label in graph.objects(concept, predicate):
                    if getattr(label, "language", None) in (None, "fr"):
                        names.append(str(label))
        if not axes:
            raise InputError(path, f"no skos:Concept in the axis namespace <{AXIS_NS}>")
        return cls(ConceptMatcher(axes), ConceptMatcher(publics))
