"""Loader of the Diair's yearly report on the CTAIR actions (kind ``diair-report``).

Structure read (nothing depends on line numbers):

* the contract kind from the cover title ("Actions CTAIR 2019": the year there is the actions', not
  the contracts'), unless the section's introduction names its own ("son contrat … (CTAIR)" in a
  report on CTAI); a contract's year only from a sentence that states it: the section's own
  ("Le premier contrat territorial … porté par la Ville de Strasbourg en 2019"), else the general
  introduction's ("… les 11 métropoles qui ont contractualisé avec l'Etat en 2019");
* the territory sections from the table of contents (lines "Bordeaux<TAB>p.3" whose name is a
  registry territory); each section starts at the first later line that is exactly that name and
  ends at the next section (the last one before the page furniture "accueil-integration-refugies.fr");
* a section's introduction (paragraphs before its first action) gives the contract's axes, publics,
  figures ("120 places d'hébergement de transition") and participations (organisations with a role
  there, e.g. "porté par la Ville de Strasbourg … en lien avec la Préfecture du Bas-Rhin"); a
  sentence on the coordination of the contract ("La coordination du contrat territorial est confiée
  à …"), wherever it stands in the section, gives the contract's coordinator and its steering axis,
  and no fact of the action it follows;
* the general text before the first section gives the national programme's facts (``programme.py``);
* numbered actions: a paragraph that is a bare number, then a title line; ``ordinal`` is the number
  as printed (Nantes prints 1, 3, 2, 4). A title that is a whole sentence (Strasbourg) is also the
  first paragraph of the description and its label is cut after its first bold phrase;
* sections without numbers: if the body after the introduction has a bulleted list whose every item
  names an organisation with a role, each item is an action (Toulouse: 1 and 2, in printed order),
  and a later paragraph about all of them ("Dans le cadre de ces deux dispositifs…") gives each its
  axes and publics;
  otherwise the whole body is one action, ordinal 1, labelled with the project's name when it opens
  with "Le projet NAME a/est/vise…" (Dijon: "ENSEMBLE !").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TypeVar

from ctair.text import fold

from .concepts import Concepts
from .corpus import CorpusDocument
from .errors import InputError
from .facts import (
    ABOUT_CONTRACT,
    ACTION_EVENTS,
    DocumentIndex,
    axes,
    contract_events,
    events,
    participations,
    programmes,
    publics,
    quantities,
    unique_concepts,
)
from .ner import unresolved
from .programme import read_programme
from .quantities import WORD_NUMBERS
from .records import (
    CONTRACT_WORD,
    KIND_NAMES,
    UNKNOWN_TERRITORY,
    Action,
    AxisRef,
    Contract,
    ContractKind,
    DocumentRecords,
    EventKind,
    Mention,
    Participation,
    PublicRef,
    Role,
    TerritoryMention,
    UnresolvedMention,
)
from .registry import Registry
from .text import Segment, clean, is_list_item, lines, list_items, mention, paragraphs, sentences

_TOC_LINE = re.compile(r"^(?P<name>[^\t\n]+?)[ \t]+p\.?\s*\d+\s*$")
_COVER_TITLE = re.compile(rf"\b(?P<kind>{KIND_NAMES})\s+(?P<year>(?:19|20)\d{{2}})\b")
_NUMBER = re.compile(r"^\d{1,2}$")
_FURNITURE = re.compile(r"^[a-z0-9\-\s]+\.(?:fr|org|com|eu|gouv\.fr)$")
_PROJECT_NAME = re.compile(
    r"^(?:Le|La|L['’])\s*(?:projet|programme|action|dispositif)\s+(?P<name>.+?)\s+"
    r"(?:a|est|vise|propose|permet|poursuit|consiste|s['’]inscrit)\b"
)
_COUNT = rf"(?:\d+|{'|'.join(WORD_NUMBERS)})"
# a paragraph after a section's listed actions that is about all of them
_ABOUT_ALL_ITEMS = re.compile(
    rf"\b(?:ces|les)\s+{_COUNT}\s+(?:actions|dispositifs|projets|mesures)\b|\bces\s+actions\b", re.I
)
_ITEM_LABEL = re.compile(r"^(?P<label>.+?)\s+(?:ont|a|sont|est)\s+(?:également\s+|aussi\s+)?été\b")
_FIRST_BOLD_END = re.compile(r"\*\*[^*]+\*\*")
# a sentence that states when contracts were concluded: "… qui ont contractualisé avec l'Etat en 2019",
# "Le premier contrat territorial … porté par la Ville de Strasbourg en 2019", "un contrat …, que le
# conseil municipal avait approuvé le 4 novembre 2021"
_CONTRACT_YEAR = re.compile(
    rf"(?:\bcontractualis[ée]\w*|\b{CONTRACT_WORD}\b[^.]{{0,160}}?\b(?:sign[ée]|port[ée]|conclu|ouvert|lanc[ée]|adopt[ée]|approuv[ée])\w*)"
    rf"[^.]{{0,80}}?\b(?:en|le\s+[0-3]?\d(?:er)?\s+[^\W\d]+)\s+(?P<year>(?:19|20)\d{{2}})\b",
    re.I,
)
# the axis a sentence on the coordination of the contract states (ontology/schemes.ttl)
STEERING = "pilotage"
_CONTRACT_COORDINATION = re.compile(rf"\bcoordination\s+(?:du|de\s+ce)\s+{CONTRACT_WORD}", re.I)


@dataclass(frozen=True)
class Section:
    territory: str | None  # None: a section whose name the registry does not know (reported, never dropped)
    heading: Segment
    body: Segment  # after the heading, to the end of the section
    name: str = ""  # the heading as written


def _sections(document: CorpusDocument, registry: Registry) -> list[Section]:
    """The territory sections, in document order. A table-of-contents name the registry does not
    know still makes a section when a later paragraph is exactly that name: its text must not be
    read as the previous territory's, and the build must say that the territory is unknown."""
    text = document.text
    toc: list[str] = []  # folded names, in table order
    known = False
    toc_end = 0
    for line in lines(text):
        hit = _TOC_LINE.match(line.text(text))
        if hit:
            toc.append(fold(hit.group("name")))
            known = known or registry.territory_named(hit.group("name")) is not None
            toc_end = line.end
    if not known:
        raise InputError(
            document.path, "diair-report: no table of contents listing registry territories ('Name<TAB>p.N')"
        )
    headings: list[tuple[str | None, Segment]] = []
    pending = list(toc)
    for block in paragraphs(text):  # a heading is a paragraph of its own
        if block.start < toc_end or not pending:
            continue
        name = fold(block.text(text))
        if name in pending:
            headings.append((registry.territory_named(block.text(text)), block))
            pending.remove(name)
    missing = [name for name in pending if registry.territory_named(name) is not None]
    if missing:
        raise InputError(
            document.path, f"diair-report: no section heading found for {missing} listed in the table of contents"
        )
    sections = []
    for i, (territory, heading) in enumerate(headings):
        end = headings[i + 1][1].start if i + 1 < len(headings) else len(text)
        if i + 1 == len(headings):  # drop trailing page furniture
            blocks = paragraphs(text, Segment(heading.end, end))
            while blocks and _FURNITURE.match(
                " ".join(blocks[-1].text(text).split()).replace("- ", "-").replace(" ", "")
            ):
                blocks.pop()
            end = blocks[-1].end if blocks else heading.end
        sections.append(Section(territory, heading, Segment(heading.end, end), heading.text(text).strip()))
    return sections


def _is_number(text: str, block: Segment) -> bool:
    return bool(_NUMBER.match(block.text(text)))


def _sentence_like(title: str) -> bool:
    return title.rstrip().endswith((".", ".**")) and len(title) > 60


def _numbered_items(text: str, blocks: list[Segment]) -> list[tuple[int, int, Segment]]:
    """(index of the number's block, index of the item's last block, the item's title line) of
    each numbered item of a section."""
    starts = [i for i, block in enumerate(blocks) if _is_number(text, block)]
    items = []
    for n, i in enumerate(starts):
        last = starts[n + 1] - 1 if n + 1 < len(starts) else len(blocks) - 1
        if i != last:  # a number with nothing after it is no item
            items.append((i, last, lines(text, blocks[i + 1])[0]))
    return items


# "… met l'attention sur deux axes.", "… poursuivent 4 ambitions :": the numbered items that follow
# are the contract's axes
_ANNOUNCED_AXES = re.compile(rf"\b{_COUNT}\s+(?:axes|ambitions|priorités|orientations)\s*[.:]", re.I)


def _announced_axes(index: DocumentIndex, intro: Segment, blocks: list[Segment]) -> list[AxisRef]:
    """When the introduction announces that the numbered items are the contract's axes, the axes
    their titles name (each quoting its title). An announced axis is one theme: of a broad axis and
    a narrower one in the same title ("l'inclusion … par la mobilisation de la société civile et le
    changement de regards"), the narrower."""
    if not _ANNOUNCED_AXES.search(index.text, intro.start, intro.end):
        return []
    broader = index.concepts.broader_axis
    out: list[AxisRef] = []
    for _, _, title in _numbered_items(index.text, blocks):
        refs = axes(index, title)
        narrowed = {broader.get(ref.axis) for ref in refs}
        out.extend(ref for ref in refs if ref.axis not in narrowed)
    return out


def _numbered_actions(index: DocumentIndex, section: Section, blocks: list[Segment], territory: str) -> list[Action]:
    text = index.text
    actions = []
    for i, last, title in _numbered_items(text, blocks):
        span = Segment(blocks[i].start, blocks[last].end)
        title_text = title.text(text)
        if _sentence_like(title_text):
            bold = _FIRST_BOLD_END.search(title_text)
            label_source = title_text[: bold.end()] if bold else sentences(text, title)[0].text(text)
            body = Segment(title.start, span.end)
        else:
            label_source = title_text
            body = Segment(title.end, span.end)
        label = clean(label_source).rstrip(" .")
        actions.append(_action(index, territory, int(blocks[i].text(text)), label, span, body))
    return actions


def _action(index: DocumentIndex, territory: str, ordinal: int, label: str, span: Segment, body: Segment) -> Action:
    text = index.text
    description = clean(text[body.start : body.end]) if body.end > body.start else ""
    return Action(
        programmes=tuple(programmes(index, span)),
        events=tuple(events(index, span, ACTION_EVENTS)),
        territory=territory,
        ordinal=ordinal,
        label=label,
        description=description,
        mention=mention(index.source, text, span),
        participations=tuple(participations(index, span)),
        quantities=tuple(quantities(index, span)),
        axes=tuple(axes(index, span)),
        publics=tuple(publics(index, span)),
    )


def _unnumbered_actions(index: DocumentIndex, blocks: list[Segment], territory: str) -> list[Action]:
    text = index.text
    if not blocks:
        return []
    body = Segment(blocks[0].start, blocks[-1].end)
    for block in blocks:
        items = list_items(text, block) if is_list_item(text, lines(text, block)[0]) else []
        if len(items) >= 2 and all(participations(index, item) for item in items):
            actions = []
            shared = [b for b in blocks[blocks.index(block) + 1 :] if _ABOUT_ALL_ITEMS.search(text, b.start, b.end)]
            shared_axes = [ref for b in shared for ref in axes(index, b)]
            shared_publics = [ref for b in shared for ref in publics(index, b)]
            for ordinal, item in enumerate(items, start=1):
                item_text = clean(item.text(text))
                hit = _ITEM_LABEL.match(item_text)
                label = hit.group("label") if hit else clean(sentences(text, item)[0].text(text)).rstrip(" .")
                action = _action(index, territory, ordinal, label, item, item)
                # a paragraph about all of them ("Dans le cadre de ces deux dispositifs, les
                # hébergés bénéficient d'un accompagnement global") gives each its themes
                actions.append(
                    action.model_copy(
                        update={
                            "axes": unique_concepts([*action.axes, *shared_axes]),
                            "publics": unique_concepts([*action.publics, *shared_publics]),
                        }
                    )
                )
            return actions
    first = clean(sentences(text, blocks[0])[0].text(text))
    hit = _PROJECT_NAME.match(first)
    label = hit.group("name") if hit else first.rstrip(" .")
    return [_action(index, territory, 1, label, body, body)]


def _year_sentence(index: DocumentIndex, candidates: list[Segment]) -> tuple[int, Mention] | None:
    """The year of the first of ``candidates`` (sentences) that states when a contract was concluded."""
    for sentence in candidates:
        hit = _CONTRACT_YEAR.search(index.text, sentence.start, sentence.end)
        if hit:
            return int(hit.group("year")), mention(index.source, index.text, sentence)
    return None


def _contract_participations(
    index: DocumentIndex, section_sentences: list[Segment], intro: Segment | None
) -> tuple[list[Participation], set[tuple[int, int]]]:
    """The organisations of the contract itself: its coordinator (a sentence on the coordination of
    the contract, anywhere in the section, which is then no fact of an action), its signatories (the
    organisations a sentence about the contract gives a role), and the other roles of the
    introduction. Also the spans of the coordination sentences."""
    out: dict[tuple[str, Role], Participation] = {}
    coordination: set[tuple[int, int]] = set()
    for sentence in section_sentences:
        text = index.text
        if _CONTRACT_COORDINATION.search(text, sentence.start, sentence.end):
            coordination.add((sentence.start, sentence.end))
            for p in participations(index, sentence):
                out.setdefault((p.organisation, Role.COORDINATOR), p.model_copy(update={"role": Role.COORDINATOR}))
        elif ABOUT_CONTRACT.search(text, sentence.start, sentence.end):
            for p in participations(index, sentence):
                if p.role in (Role.OPERATOR, Role.PARTNER, Role.SIGNATORY):
                    out.setdefault((p.organisation, Role.SIGNATORY), p.model_copy(update={"role": Role.SIGNATORY}))
        elif intro is not None and intro.start <= sentence.start and sentence.end <= intro.end:
            for p in participations(index, sentence):
                out.setdefault((p.organisation, p.role), p)
    return list(out.values()), coordination


# "son contrat territorial d'accueil et d'intégration des réfugiés (CTAIR)": a section that names its
# contract's kind, by acronym or by its full name, overrides the cover's ("Actions CTAI 2024"
# reports on CTAIR contracts too)
_KIND_NAMED = re.compile(
    rf"\b(?P<kind>{KIND_NAMES})\b"
    r"|\b(?P<noun>contrat|projet)\s+territorial\s+d['’]accueil\s+et\s+d['’]int[ée]gration"
    r"(?P<refugees>\s+des\s+(?:personnes\s+)?r[ée]fugi[ée]e?s)?",
    re.I,
)
# "… ont signé un nouveau contrat territorial": the section goes on about the next contract
_NEW_CONTRACT = re.compile(rf"\b(?:nouveau|second|deuxième)\s+{CONTRACT_WORD}\b", re.I)


def _kind_named(text: str, part: Segment, cover_kind: ContractKind) -> ContractKind:
    hit = _KIND_NAMED.search(text, part.start, part.end)
    if hit is None:
        return cover_kind
    if hit.group("kind"):
        return ContractKind(hit.group("kind").upper())
    prefix = "C" if hit.group("noun").lower() == "contrat" else "P"
    return ContractKind(f"{prefix}TAIR" if hit.group("refugees") else f"{prefix}TAI")


def _successive_contracts(
    index: DocumentIndex, intro: Segment, cover_kind: ContractKind
) -> list[tuple[Segment, ContractKind]]:
    """The introduction's parts, one per contract, with each one's kind: a sentence that signs a new
    contract ("Le 17 octobre 2022, … ont signé un nouveau contrat territorial d'accueil et
    d'intégration") starts the next one ("… un premier contrat … des réfugiés, complété par un
    avenant en 2021" stays with the first). Contracts of one kind are one contract."""
    text = index.text
    cuts = [s.start for s in index.sentences(intro)[1:] if _NEW_CONTRACT.search(text, s.start, s.end)]
    bounds = [intro.start, *cuts, intro.end]
    parts = [Segment(start, end) for start, end in zip(bounds, bounds[1:], strict=False)]
    kinds = [_kind_named(text, part, cover_kind) for part in parts]
    if len(set(kinds)) < len(kinds):
        return [(intro, _kind_named(text, intro, cover_kind))]
    return list(zip(parts, kinds, strict=True))


_Fact = TypeVar("_Fact", Participation, AxisRef, PublicRef)


def _without_sentences(action: Action, spans: set[tuple[int, int]]) -> Action:
    """``action`` without the facts read from ``spans``: a sentence on the coordination of the
    contract gives the contract its coordinator, and neither a role nor a theme of the action it
    happens to follow ("La coordination du contrat territorial est confiée à …" is no steering
    action)."""

    def kept(facts: tuple[_Fact, ...]) -> tuple[_Fact, ...]:
        return tuple(f for f in facts if (f.mention.span.start, f.mention.span.end) not in spans)

    return action.model_copy(
        update={
            "participations": kept(action.participations),
            "axes": kept(action.axes),
            "publics": kept(action.publics),
        }
    )


def load(document: CorpusDocument, registry: Registry, *, concepts: Concepts, ner: bool = True) -> DocumentRecords:
    text = document.text
    source = document.source.id
    cover = _COVER_TITLE.search(text, 0, min(len(text), 3000))
    if not cover:
        raise InputError(document.path, "diair-report: no 'CTAIR <year>' title on the cover")
    kind = ContractKind(cover.group("kind"))

    sections = _sections(document, registry)
    starts = [s.heading.start for s in sections]

    def territory_at(position: int) -> str | None:
        i = bisect.bisect_right(starts, position) - 1
        return sections[i].territory if i >= 0 and position < sections[i].body.end else None

    index = DocumentIndex(source, text, registry, concepts)
    index.match_organisations(territory_at)
    general = paragraphs(text, Segment(0, sections[0].heading.start))
    document_year = next((found for block in general if (found := _year_sentence(index, index.sentences(block)))), None)

    contracts: list[Contract] = []
    actions: list[Action] = []
    unknown_territories: list[UnresolvedMention] = []
    for section in sections:
        if section.territory is None:
            unknown_territories.append(
                UnresolvedMention(
                    surface=section.name, mention=mention(source, text, section.heading), ner_label=UNKNOWN_TERRITORY
                )
            )
            continue
        blocks = paragraphs(text, section.body)
        first_number = next((i for i, b in enumerate(blocks) if _is_number(text, b)), None)
        if first_number is not None:
            intro_blocks = blocks[:first_number]
            section_actions = _numbered_actions(index, section, blocks, section.territory)
        else:
            intro_blocks = blocks[:1]
            section_actions = _unnumbered_actions(index, blocks[1:], section.territory)
        intro = Segment(intro_blocks[0].start, intro_blocks[-1].end) if intro_blocks else section.heading
        parts = _successive_contracts(index, intro, kind) if intro_blocks else [(intro, kind)]
        section_sentences = index.sentences(section.body)
        coordination: set[tuple[int, int]] = set()
        for number, (part, part_kind) in enumerate(parts):
            later = parts[number + 1 :]
            # the first contract's facts may stand anywhere in the section but in a later contract's part
            own = [
                sentence
                for sentence in section_sentences
                if (number == 0 or part.contains(sentence.start))
                and not any(other.contains(sentence.start) for other, _ in later)
            ]
            contract_participations, coordinating = _contract_participations(index, own, part if intro_blocks else None)
            coordination |= coordinating
            year = _year_sentence(index, own) or (document_year if number == 0 else None)
            contracts.append(
                Contract(
                    territory=section.territory,
                    kind=part_kind,
                    year=year[0] if year else None,
                    year_mention=year[1] if year else None,
                    mention=mention(source, text, part),
                    participations=tuple(contract_participations),
                    axes=unique_concepts(
                        (axes(index, part) + _announced_axes(index, part, blocks) if intro_blocks else [])
                        + [
                            AxisRef(axis=STEERING, mention=mention(source, text, Segment(start, end)))
                            for start, end in sorted(coordinating)
                        ]
                    ),
                    publics=tuple(publics(index, part)) if intro_blocks else (),
                    quantities=tuple(quantities(index, part)) if intro_blocks else (),
                    events=tuple(contract_events(index, part)) if intro_blocks else (),
                ).with_year_of_signature()
            )
        section_actions = [_without_sentences(a, coordination) for a in section_actions]
        if intro_blocks:
            section_actions = _dated_by_introduction(index, intro, section_actions)
        actions.extend(section_actions)

    records = DocumentRecords(
        source=document.source,
        territories=tuple(territory_mentions(index)),
        contracts=tuple(contracts),
        actions=tuple(actions),
        programme=read_programme(index, general, document.source.issued.year),
    )

    records = records.model_copy(
        update={
            "unresolved": tuple(unknown_territories)
            + tuple(unresolved(index, ner=ner, unknown_territories=tuple(u.surface for u in unknown_territories)))
        }
    )
    return records


_ACTIONS_SUBJECT = re.compile(rf"\b(?:(?P<count>{_COUNT})|les|ces)\s+actions\b", re.I)


def _dated_by_introduction(index: DocumentIndex, intro: Segment, section_actions: list[Action]) -> list[Action]:
    """A section introduction that dates the actions it presents ("Depuis fin 2019, deux actions
    visant à faciliter l'accès au logement … sont en cours d'expérimentation") gives their start:
    to the actions sharing a theme the sentence names, or to all of them when it names none and
    counts as many as there are. An action that states its own start keeps it; the event quotes the
    introduction's sentence."""
    for sentence in index.sentences(intro):
        presented = _ACTIONS_SUBJECT.search(index.text, sentence.start, sentence.end)
        starts = events(index, sentence, frozenset({EventKind.START})) if presented else []
        if presented is None or not starts:
            continue
        themes = {ref.axis for ref in axes(index, sentence)}
        count = presented.group("count")
        counted = None if count is None else int(count) if count.isdigit() else WORD_NUMBERS[count.lower()]

        def presents(action: Action) -> bool:
            if themes:
                return bool(themes & {ref.axis for ref in action.axes})
            return counted in (None, len(section_actions))

        section_actions = [
            a.model_copy(update={"events": a.events + tuple(starts)})
            if presents(a) and not any(e.kind is EventKind.START for e in a.events)
            else a
            for a in section_actions
        ]
    return section_actions


def territory_mentions(index: DocumentIndex) -> list[TerritoryMention]:
    """Every territory name (label, alt label, demonym) in the document, one per (territory, sentence)."""
    text = index.text
    out: dict[tuple[str, int], TerritoryMention] = {}
    blocks = paragraphs(text)
    block_starts = [b.start for b in blocks]
    for match in index.registry.find_territories(index.folded):
        i = bisect.bisect_right(block_starts, match.start) - 1
        if i < 0 or match.start >= blocks[i].end:
            continue
        sentence = next((s for s in sentences(text, blocks[i]) if s.start <= match.start < s.end), blocks[i])
        key = (match.id, sentence.start)
        if key not in out:
            out[key] = TerritoryMention(territory=match.id, mention=mention(index.source, text, sentence))
    return list(out.values())
