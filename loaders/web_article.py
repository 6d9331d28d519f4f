"""Loader of the Diair's web articles with territory zooms (kind ``web-article``).

A zoom starts at a paragraph "Le CTAIR à Dijon (21)" / "Le PTAIR à Autun (71)" (kind, registry
territory, department) and runs to the next zoom or the end. A zoom describes a territory's
*contract*, not an action. Its labelled fields ("L'idée de départ :", "Les objectifs fixés :",
"Les spécificités du territoire :", "Le coordinateur :" / "La coordinatrice :", "Le projet :",
"À retenir :") give one ``Contract``:

* ``description`` (idée de départ), ``goals`` (objectifs), ``specificities``, ``key_points`` (à
  retenir), and the project text in the contract's mention;
* its year only when the zoom says the contract was opened/signed/launched "en YYYY" (Lyon: "CTAIR
  a été ouvert en 2019"), with that sentence; signature, period and amendments as dated events;
* the coordinator ``Person`` (name before the first comma, function after it, e.g. "maire d'Autun")
  and the coordinating service named with them ("avec le service de la direction sociale et
  urbaine") as a coordinator participation;
* the organisations taking part in the contract with their role: the porteur ("l'association Cesam
  … est porteuse du projet") is operator by the usual cues, organisations listed in "Le projet :"
  without a cue are partners, and an organisation the zoom shows acting without saying in what
  role ("La Métropole de Lyon réfléchit à…") is a participant — a subject is no operator of a
  whole contract;
* figures, axes and publics of the zoom, each with its sentence — the axes not from "Les
  spécificités du territoire", which describe the territory ("Ville de 14 000 habitants … des
  logements sociaux vacants"), not what the contract works on, except in a sentence there about
  the contract itself ("Elle est chargée d'animer le contrat").

An action the zoom names ("Une action spécifique a été mise en place depuis un an : Ensemble !")
is an ``Action`` of the contract; the pipeline gives it the IRI of the same action when another
document describes it (same territory, same name).

The interview part before the first zoom gives the national programme's facts (``programme.py``).
"""

from __future__ import annotations

import re

from .concepts import Concepts
from .corpus import CorpusDocument
from .diair_report import territory_mentions
from .facts import (
    ABOUT_CONTRACT,
    ACTION_EVENTS,
    DocumentIndex,
    axes,
    contract_events,
    events,
    participations,
    publics,
    quantities,
    unique_concepts,
)
from .ner import unresolved
from .programme import read_programme
from .records import (
    CONTRACT_WORD,
    KIND_NAMES,
    UNKNOWN_TERRITORY,
    Action,
    Contract,
    ContractKind,
    DocumentRecords,
    Participation,
    Person,
    Role,
    UnresolvedMention,
)
from .registry import Registry
from .text import Segment, clean, mention, paragraphs, sentences, trim

_ZOOM = re.compile(
    rf"^Le\s+(?P<kind>{KIND_NAMES})\s+(?:à|de|d['’])\s*(?P<place>[^()\n]+?)\s*\((?P<department>\d{{2,3}}|2A|2B)\)\s*$"
)
_FIELD = re.compile(
    r"^(?P<label>L['’]idée de départ|Les objectifs fixés|Les spécificités du territoire|L[ea] coordinat(?:eur|rice)|"
    r"Les? coordinat(?:eur|rice)s|Le projet|À retenir|A retenir)\s*:\s*"
)
_YEAR = re.compile(
    rf"\b(?:{CONTRACT_WORD}|projet)\b[^.]{{0,40}}?\b(?:ouvert|signé|lancé|conclu|mis\s+en\s+place)e?s?\s+en\s+(?P<year>(?:19|20)\d{{2}})\b"
)
# "Une action spécifique a été mise en place depuis un an : Ensemble !"
_NAMED_ACTION = re.compile(r"\b(?:[Uu]ne|[Ll]['’])\s*action\b[^.:]{0,80}:\s*(?P<name>[^.:\n]+?[!?]?)\s*(?:\.|$)")
_FIELD_SLOTS = {
    "l'idée de départ": "description",
    "les objectifs fixés": "goals",
    "les spécificités du territoire": "specificities",
    "à retenir": "key_points",
    "a retenir": "key_points",
}
_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w’'\-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w’'\-]+){1,3}$")
_ARTICLE = re.compile(r"^(?:le|la|les|l['’])\s*", re.I)
_FIELD_LISTED_ROLE = {"le projet": Role.PARTNER}  # the organisations "Le projet :" lists


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
    title = re.split(r",\s*(?:avec|et avec|accompagnée?|assistée?)\b", title)[0].strip()
    return Person(name=name, title=title or None, mention=mention(source, text, whole))


def _named_actions(
    index: DocumentIndex, territory: str, fields: list[tuple[str, Segment, Segment]], issued_year: int
) -> list[Action]:
    text = index.text
    out: list[Action] = []
    for label, _whole, value in fields:
        if "coordinat" in label:
            continue
        for sentence in sentences(text, value):
            hit = _NAMED_ACTION.search(text, sentence.start, sentence.end)
            if not hit:
                continue
            name = clean(hit.group("name")).strip()
            # the sentences that go on about the action ("Elle permet de …") describe it too
            following = [s for s in sentences(text, value) if s.start >= sentence.start]
            span = Segment(
                sentence.start,
                following[1].end
                if len(following) > 1 and re.match(r"\s*(?:Elle|Il|Cette action)\b", following[1].text(text))
                else sentence.end,
            )
            out.append(
                Action(
                    territory=territory,
                    ordinal=len(out) + 1,
                    label=name,
                    description=clean(span.text(text)),
                    mention=mention(index.source, text, span),
                    named_reference=True,
                    axes=tuple(axes(index, span)),
                    publics=tuple(publics(index, span)),
                    events=tuple(events(index, span, ACTION_EVENTS, reference_year=issued_year)),
                )
            )
    return out


def load(document: CorpusDocument, registry: Registry, *, concepts: Concepts, ner: bool = True) -> DocumentRecords:
    text = document.text
    source = document.source.id
    blocks = paragraphs(text)
    zooms: list[tuple[str | None, ContractKind, Segment, str]] = []
    for block in blocks:
        hit = _ZOOM.match(block.text(text))
        if hit:
            zooms.append(
                (
                    registry.territory_named(hit.group("place")),
                    ContractKind(hit.group("kind")),
                    block,
                    hit.group("place"),
                )
            )
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
    general_end = zooms[0][2].start if zooms else len(text)
    general = paragraphs(text, Segment(0, general_end))

    contracts: list[Contract] = []
    actions: list[Action] = []
    unresolved_zooms: list[UnresolvedMention] = []
    for (territory, kind, heading, place), span in zip(zooms, spans):
        if territory is None:
            unresolved_zooms.append(
                UnresolvedMention(surface=place, mention=mention(source, text, heading), ner_label=UNKNOWN_TERRITORY)
            )
            continue
        body = Segment(heading.end, span.end) if span.end > heading.end else span
        fields = _fields(text, span)
        year_hit = _YEAR.search(text, span.start, span.end)
        year_sentence = None
        if year_hit:
            year_sentence = next((s for s in index.sentences(body) if s.start <= year_hit.start() < s.end), None)
        coordinators = tuple(
            person
            for label, whole, value in fields
            if "coordinat" in label
            if (person := _person(source, text, whole, value)) is not None
        )
        found: dict[tuple[str, Role], Participation] = {}
        for label, _whole, value in fields:
            coordinating = "coordinat" in label  # "Le coordinateur : X, maire d'Autun, avec le service …"
            for participation in participations(
                index,
                value,
                Role.COORDINATOR if coordinating else None,
                listed_role=_FIELD_LISTED_ROLE.get(label),
                unstated=Role.PARTICIPANT,
            ):
                if coordinating:
                    participation = participation.model_copy(update={"role": Role.COORDINATOR})
                found.setdefault((participation.organisation, participation.role), participation)
        stated = {organisation for organisation, role in found if role != Role.PARTICIPANT}
        found = {key: value for key, value in found.items() if key[1] != Role.PARTICIPANT or key[0] not in stated}
        slots = {slot: clean(value.text(text)) for label, _, value in fields if (slot := _FIELD_SLOTS.get(label))}
        # the territory's situation ("des logements sociaux vacants et des postes à pourvoir") is no theme
        # of the contract; a sentence there about the contract itself ("Elle est chargée d'animer le
        # contrat") is
        situation = {
            (sentence.start, sentence.end)
            for label, whole, _ in fields
            if label == "les spécificités du territoire"
            for sentence in index.sentences(whole)
            if not ABOUT_CONTRACT.search(text, sentence.start, sentence.end)
        }
        themed = [s for s in index.sentences(body) if (s.start, s.end) not in situation]
        contracts.append(
            Contract(
                territory=territory,
                kind=kind,
                year=int(year_hit.group("year")) if year_hit else None,
                year_mention=mention(source, text, year_sentence or heading) if year_hit else None,
                mention=mention(source, text, span),
                coordinators=coordinators,
                participations=tuple(found.values()),
                quantities=tuple(quantities(index, body)),
                axes=unique_concepts([ref for sentence in themed for ref in axes(index, sentence)]),
                publics=tuple(publics(index, body)),
                events=tuple(contract_events(index, body)),
                **slots,
            ).with_year_of_signature()
        )
        actions.extend(_named_actions(index, territory, fields, document.source.issued.year))

    records = DocumentRecords(
        source=document.source,
        territories=tuple(territory_mentions(index)),
        contracts=tuple(contracts),
        actions=tuple(actions),
        programme=read_programme(index, general, document.source.issued.year),
        unresolved=tuple(unresolved_zooms),
    )

    people = {p.name for c in contracts for p in c.coordinators} | {p.name for p in records.programme.people}
    records = records.model_copy(
        update={
            "unresolved": records.unresolved
            + tuple(unresolved(index, people, ner=ner, unknown_territories=tuple(u.surface for u in unresolved_zooms)))
        }
    )
    return records
