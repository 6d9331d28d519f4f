"""Loader of the Diair's web articles with territory zooms (kind ``web-article``).

A zoom starts at a paragraph "Le CTAIR à Dijon (21)" / "Le PTAIR à Autun (71)" (kind, registry
territory, department) and runs to the next zoom or the end. Its labelled fields ("L'idée de
départ :", "Les objectifs fixés :", "Les spécificités du territoire :", "Le coordinateur :" /
"La coordinatrice :", "Le projet :", "À retenir :") give:

* one ``Contract`` per zoom: kind from the heading, year only when the zoom says the contract was
  opened/signed/launched "en YYYY" (Lyon: "CTAIR a été ouvert en 2019"), else None; the
  coordinator ``Person`` (name before the first comma, function after it, e.g. "maire d'Autun");
* one ``Action`` per zoom, ordinal 1, labelled with the zoom heading, described by the "Le projet :"
  field: the article presents each territory's programme as one whole, so its organisations are the
  participations of that single action — the porteur ("l'association Cesam … est porteuse du
  projet") is operator by the usual cues, and organisations of "Le projet :" without a cue are
  partners.

The interview part before the first zoom (general CTAI/PTAI statements) gives no contract.
"""
from __future__ import annotations

import re

from .concepts import Concepts
from .corpus import CorpusDocument
from .diair_report import territory_mentions
from .facts import DocumentIndex, axes, participations, publics, quantities
from .records import Action, Contract, ContractKind, DocumentRecords, Participation, Person, Role, UnresolvedMention
from .registry import Registry
from .text import Segment, clean, mention, paragraphs, trim

_ZOOM = re.compile(r"^Le\s+(?P<kind>CTAIR|CTAI|PTAIR|PTAI)\s+(?:à|de|d['’])\s*(?P<place>[^()\n]+?)\s*\((?P<department>\d{2,3}|2A|2B)\)\s*$")
_FIELD = re.compile(
    r"^(?P<label>L['’]idée de départ|Les objectifs fixés|Les spécificités du territoire|L[ea] coordinat(?:eur|rice)|"
    r"Les? coordinat(?:eur|rice)s|Le projet|À retenir|A retenir)\s*:\s*"
)
_YEAR = re.compile(
    r"\b(?:CTAIR|PTAIR|CTAI|PTAI|contrat|projet)\b[^.]{0,40}?\b(?:ouvert|signé|lancé|conclu|mis\s+en\s+place)e?s?\s+en\s+(?P<year>(?:19|20)\d{2})\b"
)
_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w’'\-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w’'\-]+){1,3}$")
_ARTICLE = re.compile(r"^(?:le|la|les|l['’])\s*", re.I)
_FIELD_DEFAULT_ROLE = {"le projet": Role.PARTNER}


def _fields(text: str, zoom: Segment) -> list[tuple[str, Segment, Segment]]:
    """(folded label, whole field segment, value segment) for each labelled field of a zoom."""
    out: list[tuple[str, Segment, Segment]] = []
    for block in paragraphs(text, zoom):
        hit = _FIELD.match(block.text(text))
        if hit:
            value = trim(text, block.start + hit.end(), block.end) or block
            out.append((hit.group("label").casefold().replace("’", "'"), block, value))
        elif out:  # continuation paragraph of the previous field
            label, whole, value = out[-1]
            out[-1] = (label, Segment(whole.start, block.end), Segment(value.start, block.end))
    return out


def _person(source: str, text: str, whole: Segment, value: Segment) -> Person | None:
    raw = " ".join(value.text(text).split()).rstrip(" .")
    name, _, title = raw.partition(",")
    name = name.strip()
    if not _NAME.match(name):
        return None
    title = _ARTICLE.sub("", title.strip())
    title = re.split(r",\s*(?:avec|et avec|accompagnée?|assistée?)\b", title)[0].strip() or None
    return Person(name=name, title=title, mention=mention(source, text, whole))


def load(document: CorpusDocument, registry: Registry, *, concepts: Concepts | None = None, ner: bool = True) -> DocumentRecords:
    from .pipeline import default_concepts

    concepts = concepts or default_concepts()
    text = document.text
    source = document.source.id
    blocks = paragraphs(text)
    zooms: list[tuple[str | None, ContractKind, Segment, str]] = []
    for block in blocks:
        hit = _ZOOM.match(block.text(text))
        if hit:
            zooms.append((registry.territory_named(hit.group("place")), ContractKind(hit.group("kind")), block, hit.group("place")))
    spans = [
        Segment(heading.start, zooms[i + 1][2].start if i + 1 < len(zooms) else len(text))
        for i, (_, _, heading, _) in enumerate(zooms)
    ]
    spans = [Segment(s.start, paragraphs(text, s)[-1].end) for s in spans]

    def territory_at(position: int) -> str | None:
        for (territory, _, _, _), span in zip(zooms, spans):
            if span.contains(position):
                return territory
        return None

    index = DocumentIndex(source, text, registry, concepts)
    index.match_organisations(territory_at)

    contracts: list[Contract] = []
    actions: list[Action] = []
    unresolved_zooms: list[UnresolvedMention] = []
    for (territory, kind, heading, place), span in zip(zooms, spans):
        if territory is None:
            unresolved_zooms.append(UnresolvedMention(surface=place, mention=mention(source, text, heading), ner_label="TERRITORY"))
            continue
        year_hit = _YEAR.search(text, span.start, span.end)
        fields = _fields(text, span)
        coordinators = tuple(
            person for label, whole, value in fields if "coordinat" in label
            if (person := _person(source, text, whole, value)) is not None
        )
        contracts.append(Contract(territory=territory, kind=kind, year=int(year_hit.group("year")) if year_hit else None,
                                  mention=mention(source, text, heading), coordinators=coordinators))
        found: dict[tuple[str, Role], Participation] = {}
        for label, whole, value in fields:
            if "coordinat" in label:
                continue
            for participation in participations(index, value, _FIELD_DEFAULT_ROLE.get(label)):
                found.setdefault((participation.organisation, participation.role), participation)
        project = next((value for label, _, value in fields if label == "le projet"), None)
        body = Segment(heading.end, span.end) if span.end > heading.end else span
        actions.append(Action(
            territory=territory,
            ordinal=1,
            label=clean(heading.text(text)),
            description=clean(project.text(text)) if project else "",
            mention=mention(source, text, span),
            participations=tuple(found.values()),
            quantities=tuple(quantities(index, body)),
            axes=tuple(axes(index, body)),
            publics=tuple(publics(index, body)),
        ))

    records = DocumentRecords(
        source=document.source,
        territories=tuple(territory_mentions(index)),
        contracts=tuple(contracts),
        actions=tuple(actions),
        unresolved=tuple(unresolved_zooms),
    )
    from .ner import unresolved

    people = {p.name for c in contracts for p in c.coordinators}
    records = records.model_copy(update={"unresolved": records.unresolved + tuple(unresolved(index, people, ner=ner))})
    return records
