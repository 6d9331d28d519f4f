"""Facts common to every document kind: participations (organisation + role), quantities, axes
and publics inside a span, read sentence by sentence.

Role of an organisation occurrence, first rule that applies (all within its sentence):

1. an *adjacent cue* just before it ("porté par", "gérée par", "confiée à l'opérateur",
   "piloté par", "signé le … par", "en partenariat avec", "cofinancé avec", "financements de",
   "Participation de"…), with no other organisation in between;
2. a cue just after it ("X assure", "X se charge", "X est en charge", "X, opérateur du projet",
   "X, qui … est porteuse du projet") → operator; the signature of the contract it is the subject
   of, alone or in a list of subjects ("X et Y ont signé le contrat", "X est signataire d'un
   contrat") → signatory;
3. enumeration: it follows the previous organisation of the sentence separated only by list
   punctuation (", ", " et l'association ", " (plateforme ") → same role as that one;
4. a *list cue* earlier in the sentence ("partenaires", "consortium" → partner; "participants",
   "réunissant", "diagnostic", "groupes de travail" → participant);
5. the caller's default role for the block (a zoom's "Le coordinateur :" → coordinator), or its
   role for organisations the block lists — two or more in the sentence, or one after "parmi
   lesquelles", "notamment"… (the web article's "Le projet :" → partner; a name alone is no list
   of partners: "À la Métropole de Lyon, la priorité a été mise…") — else subject position: the
   organisation opens the sentence (≤ 45 characters before it, no preposition) → operator
   ("France Horizon a développé…", "AIM : une approche…"), or the caller's ``unstated`` role where
   a subject says too little (a zoom's "La Métropole de Lyon réfléchit à…" takes part in the
   contract, in no stated role);
6. otherwise it is context ("personnes hébergées par ADOMA"), not a participation.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from .concepts import ConceptHit, Concepts, outside
from .dates import SIGNING_VERB, find_events, observation_date
from .folding import FoldedText
from .quantities import find_quantities
from .records import (
    CONTRACT_WORD,
    AxisRef,
    DatedEvent,
    EventKind,
    Participation,
    ProgrammeRef,
    PublicRef,
    Quantity,
    Role,
    Unit,
)
from .registry import Match, Registry
from .text import Segment, enclosing, mention, paragraphs, sentences

_P = "(?:é|e)"  # tolerate missing accents
ADJACENT_CUES: list[tuple[re.Pattern[str], Role, int]] = [
    (
        re.compile(rf"\b(?:port|g{_P}r|dispens|assur|r{_P}alis|men|conduit)(?:{_P}|{_P}e|{_P}s|{_P}es)?\s+par\b", re.I),
        Role.OPERATOR,
        80,
    ),
    (re.compile(r"\bmise?s?\s+en\s+(?:œ|oe)uvre\s+par\b", re.I), Role.OPERATOR, 80),
    # "confiée à l'opérateur Envie", "a confié des villas à Luttopia", "en a confié la gestion au CCAS"
    (
        re.compile(
            rf"\b(?:pass|command){_P}e?s?\s+(?:à|a)\b|\bconfi{_P}e?s?\s+(?:[^.;,]{{0,40}}?\s)?(?:à|a|au|aux)\b", re.I
        ),
        Role.OPERATOR,
        80,
    ),
    (re.compile(rf"\bop{_P}rateur\b", re.I), Role.OPERATOR, 20),
    (re.compile(r"\bpar\s+l['’](?:association|organisme)\b", re.I), Role.OPERATOR, 20),
    (re.compile(rf"\b(?:pilot|coordonn|anim){_P}e?s?\s+par\b", re.I), Role.COORDINATOR, 80),
    # the body on whose initiative something is undertaken steers it
    (re.compile(r"\b(?:à|a|sur)\s+l['’]initiative\s+(?:de|du|des)\b", re.I), Role.COORDINATOR, 12),
    (
        re.compile(
            rf"\bcofinanc{_P}e?s?\s+(?:avec|par)\b|\bfinanc{_P}e?s?\s+par\b|\bfinancements?\s+(?:de|du|des)\b", re.I
        ),
        Role.FUNDER,
        60,
    ),
    # "le contrat a été signé le 2 mars 2021 par le président de la Métropole", "signé avec la Ville"
    # (before the partner cues: on the same "avec", the signature is the more specific reading)
    (re.compile(r"\bsign[ée]e?s?\b[^.;]{0,60}?\b(?:par|avec)\b", re.I), Role.SIGNATORY, 80),
    (
        re.compile(r"\ben\s+(?:lien|partenariat|collaboration|coopération)\s+avec\b|\bavec\s+l['’]appui\s+d", re.I),
        Role.PARTNER,
        60,
    ),
    (re.compile(r"\bavec\b", re.I), Role.PARTNER, 12),
    (re.compile(r"\bparticipation\s+(?:de|du|des)\b", re.I), Role.PARTICIPANT, 12),
]
# "la préfecture de la Vienne et la Ville de Poitiers ont signé le contrat", "elle est signataire d'un
# contrat": the subject of a signature whose object is the contract (or its amendment)
_SIGNED_BY_SUBJECT = re.compile(rf"\b{SIGNING_VERB}\b(?=[^.;!?]{{0,120}}?\b(?:{CONTRACT_WORD}|avenant)\b)", re.I)
_SIGNATURE_REACH = 150
LIST_CUES: list[tuple[re.Pattern[str], Role]] = [
    # "Le consortium réunit … (l'ADATE, le Relais Ozanam…)": members of a consortium are partners
    (
        re.compile(r"\bpartenaires\b|\bconsortium\b|\bgroupement\s+(?:de\s+partenaires|d['’]acteurs)\b", re.I),
        Role.PARTNER,
    ),
    (
        re.compile(
            r"\bparticipants\b|\br[ée]unissant\b|\bassociant\b|\bgroupes?\s+de\s+travail\b|\bdiagnostic\b", re.I
        ),
        Role.PARTICIPANT,
    ),
]
AFTER_CUE = re.compile(
    r"(?:assurent|assure|se\s+chargent|se\s+charge|(?:est|sont)\s+en\s+charge|(?:est|sont)\s+charg[ée]e?s?|r[ée]alisent|r[ée]alise|"
    r"a\s+d[ée]velopp[ée]|op[ée]rateur\s+du\s+projet|,\s*op[ée]rateur\b|(?:est|sont)\s+porteu(?:r|se|rs|ses)\b|porte\s+le\s+projet)",
    re.I,
)
_AFTER_WINDOW = 80
_CHAIN_GAP = re.compile(
    r"[\s,/()'’\"«»*]*(?:(?:et|ou|ainsi\s+que|comme)\s+)?(?:(?:l['’]|la\s+|le\s+|les\s+|des\s+|du\s+|de\s+)\s*)?"
    r"(?:(?:association|plateforme|cabinet|opérateur|organisme)\s+)?[\s'’\"«»(*]*",
    re.I,
)
# "X (Y)": Y in parentheses right after X names X more precisely (a department of a Ville) or is
# X's own tool ("l'association EmpowerNantes (plateforme Benenova)"): never a second organisation
# of an enumeration
_APPOSITION = re.compile(r"\s*\(\s*(?:(?:la|le|l['’])\s*)?(?:(?:plateforme|direction|service)\s+)?$", re.I)
# "X de Y": Y owns X ("le CCAS de Dijon Métropole"), not a list
_POSSESSIVE = re.compile(r"\)?\s+(?:de|du|des|d['’])\s*(?:la\s+|l['’])?$", re.I)
_PREPOSITION = re.compile(r"\b(?:à|a|aux|au|pour|avec|par|sur|dans|hors|vers|chez|entre|contre|destination)\b", re.I)
_SUBJECT_WINDOW = 45


# a sentence about the contract itself ("Le premier contrat territorial … porté par la Ville de
# Strasbourg", "Elle est chargée d'animer le contrat")
ABOUT_CONTRACT = re.compile(rf"\b{CONTRACT_WORD}\b|\b(?:engagement|démarche)\s+contractu|\bcontractualis", re.I)
# "Il court jusqu'en novembre 2023": a sentence whose subject is the contract named just before
_IT = re.compile(r"\s*(?:Il|Celui-ci)\s", re.I)
# a list of organisations: its items are separated by commas and "et"; it ends with the clause
_CLAUSE_BOUND = re.compile(r"[.;:!?()\n]")
_LIST_SEPARATOR = re.compile(r",|\bet\b")
_NOUN_PHRASE = re.compile(r"\s*(?:tou(?:s|tes)\s+)?(?:les|la|le|l['’]|des|du|ces|ses|leurs|un|une|d['’]autres)\b", re.I)


@dataclass
class DocumentIndex:
    """A document's text, folded once, with its registry and concept hits, sentences on demand."""

    source: str
    text: str
    registry: Registry
    concepts: Concepts
    territory_at: Callable[[int], str | None] | None = None
    folded: FoldedText = field(init=False)
    organisations: list[Match] = field(init=False)
    _org_starts: list[int] = field(init=False)
    axes: list[ConceptHit] = field(init=False)
    publics: list[ConceptHit] = field(init=False)
    _programmes: list[Match] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.folded = FoldedText(self.text)
        analysed = self.concepts.analyse(self.text)  # tokens, lemmas, names and negations, once
        self.axes = self.concepts.axes.find(analysed)
        self.publics = self.concepts.publics.find(analysed)
        self.organisations = []
        self._org_starts = []

    def match_organisations(self, territory_at: Callable[[int], str | None]) -> None:
        self.territory_at = territory_at
        self.organisations = self.registry.find_organisations(self.folded, territory_at)
        self._org_starts = [m.start for m in self.organisations]
        # a label inside an organisation's or a programme's name ("Forum réfugiés-Cosi", "Pôle
        # emploi") names the organisation, not the action's public or axis
        spans = sorted([(m.start, m.end) for m in self.organisations] + self._programme_spans())
        self.axes = [hit for hit in outside(self.axes, spans) if not self._listed_with_partners(hit)]
        self.publics = outside(self.publics, spans)

    def _programme_spans(self) -> list[tuple[int, int]]:
        # a programme's name names the programme ("le programme de réussite éducative" is no
        # education action of its own, "garantie jeunes" no youth public)
        return [(m.start, m.end) for m in self._programme_matches()]

    def _programme_matches(self) -> list[Match]:
        if self._programmes is None:
            self._programmes = self.registry.find_programmes(self.folded)
        return self._programmes

    def _listed_with_partners(self, hit: ConceptHit) -> bool:
        """Whether ``hit`` is a member of a list of organisations ("la CAF, l'Assurance maladie et
        tous les lieux de culture"): a noun phrase right after one that names an organisation names
        more partners, not a theme."""
        text = self.text
        clause_start = max(
            (m.end() for m in _CLAUSE_BOUND.finditer(text, max(0, hit.start - 400), hit.start)), default=0
        )
        separators = list(_LIST_SEPARATOR.finditer(text, clause_start, hit.start))
        if not separators:
            return False
        own_start = separators[-1].end()
        if not _NOUN_PHRASE.match(text, own_start):
            return False
        previous_start = separators[-2].end() if len(separators) > 1 else clause_start
        previous = self.organisations_in(Segment(previous_start, separators[-1].start()))
        return bool(previous) and bool(
            _NOUN_PHRASE.match(text, previous_start) or previous[0].start - previous_start < 4
        )

    def programmes_in(self, segment: Segment) -> list[Match]:
        return [m for m in self._programme_matches() if segment.start <= m.start and m.end <= segment.end]

    def organisations_in(self, segment: Segment) -> list[Match]:
        low = bisect.bisect_left(self._org_starts, segment.start)
        high = bisect.bisect_left(self._org_starts, segment.end)
        return [m for m in self.organisations[low:high] if m.end <= segment.end]

    def sentences(self, segment: Segment) -> list[Segment]:
        out: list[Segment] = []
        for paragraph in paragraphs(self.text, segment):
            out.extend(sentences(self.text, paragraph))
        return out


# How directly a sentence states a role: a cue next to the name beats an inference (enumeration,
# list, block default), which beats the subject position; the participation quotes the strongest.
CUED, INFERRED, POSITIONAL = 2, 1, 0


# words that open a list of which the name is one member ("les associations du territoire, parmi
# lesquelles le Toit du Monde")
_LISTING = re.compile(r"\bparmi\s+(?:lesquel(?:le)?s|eux|elles)\b|\bnotamment\b|\btel(?:le)?s?\s+que\b", re.I)


def _role_of(
    text: str,
    sentence: Segment,
    orgs: list[Match],
    index: int,
    roles: list[Role | None],
    default_role: Role | None,
    listed_role: Role | None = None,
) -> tuple[Role, int] | None:
    match = orgs[index]
    previous_end = orgs[index - 1].end if index > 0 else sentence.start
    # 1. adjacent cue before (nearest cue ending in the gap since the previous organisation)
    best: tuple[int, Role] | None = None
    for pattern, role, max_gap in ADJACENT_CUES:
        for cue in pattern.finditer(text, previous_end, match.start):
            gap = text[cue.end() : match.start]
            if len(gap) <= max_gap and not re.search(r"[.;:!?]", gap) and (best is None or cue.end() > best[0]):
                best = (cue.end(), role)
    if best:
        return best[1], CUED
    # 2. cue after, before the next organisation
    next_start = orgs[index + 1].start if index + 1 < len(orgs) else sentence.end
    window_end = min(next_start, sentence.end, match.end + _AFTER_WINDOW)
    after = AFTER_CUE.search(text, match.end, window_end)
    if after and not re.search(r"[.;!?]", text[match.end : after.start()]):
        return Role.OPERATOR, CUED
    # the subject of a signature, alone or in a list of subjects ("X et Y ont signé le contrat")
    signed = _SIGNED_BY_SUBJECT.search(text, match.end, min(sentence.end, match.end + _SIGNATURE_REACH))
    if signed and not re.search(r"[.;!?]|\b(?:qui|que|dont)\b", text[match.end : signed.start()]):
        return Role.SIGNATORY, CUED
    # 3. enumeration after the previous organisation
    if index > 0:
        gap_start = orgs[index - 1].end
        if _APPOSITION.fullmatch(text, gap_start, match.start) or _POSSESSIVE.fullmatch(text, gap_start, match.start):
            return None
        previous_role = roles[index - 1]
        if previous_role is not None and _CHAIN_GAP.fullmatch(text, gap_start, match.start):
            return previous_role, INFERRED
    # 4. list cue earlier in the sentence
    nearest: tuple[int, Role] | None = None
    for pattern, role in LIST_CUES:
        for cue in pattern.finditer(text, sentence.start, match.start):
            if nearest is None or cue.end() > nearest[0]:
                nearest = (cue.end(), role)
    if nearest:
        return nearest[1], INFERRED
    # 5. block default, the block's role for a list of organisations, else subject position
    if default_role is not None:
        return default_role, INFERRED
    if listed_role is not None and (len(orgs) >= 2 or _LISTING.search(text, sentence.start, match.start)):
        return listed_role, INFERRED
    before = text[sentence.start : match.start]
    if len(before) <= _SUBJECT_WINDOW and not _PREPOSITION.search(before) and not re.search(r"[,;:]", before):
        return Role.OPERATOR, POSITIONAL
    return None


def participations(
    index: DocumentIndex,
    segment: Segment,
    default_role: Role | None = None,
    least: int = POSITIONAL,
    unstated: Role | None = None,
    listed_role: Role | None = None,
) -> list[Participation]:
    """The organisations with a role in ``segment``, one per (organisation, role), each quoting the
    sentence that states that role most directly (the first such sentence); ``least`` drops roles
    read less directly than that (a general text's subject is no operator of anything); with
    ``unstated``, a role read from the subject position only is that role instead (the caller keeps
    it only for an organisation whose role nothing else states)."""
    found: dict[tuple[str, Role], tuple[int, Participation]] = {}
    text = index.text
    for sentence in index.sentences(segment):
        orgs = index.organisations_in(sentence)
        roles: list[Role | None] = []
        for i, match in enumerate(orgs):
            read = _role_of(text, sentence, orgs, i, roles, default_role, listed_role)
            roles.append(read[0] if read else None)
            if read is None:
                continue
            role, strength = read
            if strength < least:
                continue
            if strength == POSITIONAL and unstated is not None:
                role = unstated
            following = orgs[i + 1] if i + 1 < len(orgs) else None
            if (
                following is not None
                and _APPOSITION.fullmatch(text, match.end, following.start)
                and index.registry.organisations[following.id].sub_organisation_of == match.id
            ):
                match = following  # "la mairie de Toulouse (Direction des Solidarités …)": the department acts
            key = (match.id, role)
            if key not in found or strength > found[key][0]:
                found[key] = (
                    strength,
                    Participation(
                        organisation=match.id,
                        role=role,
                        surface=match.surface,
                        mention=mention(index.source, text, sentence),
                    ),
                )
    return [participation for _, participation in sorted(found.values(), key=lambda item: item[1].mention.span.start)]


_PROGRAMME_OPERATOR = re.compile(
    r"[\s\"»”]*(?:\(\s*(?=\S)|,?\s*(?:g[ée]r[ée]e?s?|port[ée]e?s?|mise?s?\s+en\s+(?:œ|oe)uvre|anim[ée]e?s?|op[ée]r[ée]e?s?)\s+par\s+"
    r"(?:l['’]association\s+|l['’]organisme\s+)?)",
    re.I,
)


def programmes(index: DocumentIndex, segment: Segment) -> list[ProgrammeRef]:
    """The programmes named in ``segment``; a programme's operator only where the words right after
    its name say who runs it ("INSAIR 38 (ADOMA)", "« Louer solidaire 69 » gérée par Soliha")."""
    text = index.text
    out: dict[str, ProgrammeRef] = {}
    sentence_list = index.sentences(segment)
    for match in index.programmes_in(segment):
        sentence = enclosing(sentence_list, match.start) or segment
        operator = None
        cue = _PROGRAMME_OPERATOR.match(text, match.end, sentence.end)
        if cue:
            named = next(
                (o for o in index.organisations_in(Segment(cue.end(), sentence.end)) if o.start == cue.end()), None
            )
            if named:
                operator = Participation(
                    organisation=named.id,
                    role=Role.OPERATOR,
                    surface=named.surface,
                    mention=mention(index.source, text, sentence),
                )
        if match.id not in out or (operator and out[match.id].operator is None):
            out[match.id] = ProgrammeRef(
                programme=match.id,
                surface=match.surface,
                mention=mention(index.source, text, sentence),
                operator=operator,
            )
    return list(out.values())


def quantities(index: DocumentIndex, segment: Segment) -> list[Quantity]:
    """The figures of ``segment`` as written (ranges, parts of a whole, rates), each quoting its
    sentence; a sentence that opens with a date ("Au 19 juin 2020, …") dates its figures."""
    out: list[Quantity] = []
    sentence_list = index.sentences(segment)
    for found in find_quantities(index.text, segment.start, segment.end):
        sentence = enclosing(sentence_list, found.start) or segment
        # the clause the figure is in: from the last full stop before it ("… de la CTRR. En février 2020, 23 ménages")
        clause_start = max(sentence.start, index.text.rfind(". ", sentence.start, found.start) + 2)
        observed = None if found.unit in _DURATIONS else observation_date(index.text[clause_start : sentence.end])
        out.append(
            Quantity(
                value=found.value,
                minimum=found.minimum,
                maximum=found.maximum,
                unit=found.unit,
                label=found.label,
                approximate=found.approximate,
                per=found.per,
                subset_of=found.subset_of,
                observed=observed,
                mention=mention(index.source, index.text, sentence),
            )
        )
    return out


_DURATIONS = frozenset({Unit.HOUR, Unit.DAY, Unit.WEEK, Unit.MONTH, Unit.YEAR})


def events(
    index: DocumentIndex, segment: Segment, kinds: frozenset[EventKind] | None = None, reference_year: int | None = None
) -> list[DatedEvent]:
    """Dated events of ``segment`` (optionally only ``kinds``), one per (kind, date), with their sentence."""
    out: dict[tuple[EventKind, str], DatedEvent] = {}
    sentence_list = index.sentences(segment)
    for sentence in sentence_list:
        for found in find_events(index.text, sentence.start, sentence.end, reference_year):
            if kinds is not None and found.kind not in kinds:
                continue
            out.setdefault(
                (found.kind, found.date),
                DatedEvent(kind=found.kind, date=found.date, mention=mention(index.source, index.text, sentence)),
            )
    return list(out.values())


def _concepts(index: DocumentIndex, hits: list[ConceptHit], segment: Segment) -> list[tuple[str, Segment]]:
    """The first hit of each concept within ``segment`` (``hits``: the document's, sorted by start)."""
    seen: dict[str, Segment] = {}
    sentence_list: list[Segment] | None = None
    # bisect to the segment: scanning every hit of the document for every segment was quadratic
    first = bisect.bisect_left(hits, segment.start, key=lambda hit: hit.start)
    for hit in (hits[position] for position in range(first, len(hits))):
        if hit.start >= segment.end:
            break
        if hit.end <= segment.end and hit.concept not in seen:
            if sentence_list is None:
                sentence_list = index.sentences(segment)
            seen[hit.concept] = enclosing(sentence_list, hit.start) or segment
    return list(seen.items())


def axes(index: DocumentIndex, segment: Segment) -> list[AxisRef]:
    """The axes of ``segment``: each concept whose words the text uses for what it does. A broad axis
    stands beside its narrower ones when the text uses the broad theme's own words ("le renforcement
    du lien social et de l'interculturalité" beside "l'offre culturelle"): three independent readings
    of the bundled documents keep both (``docs/annotation.md``)."""
    return [
        AxisRef(axis=c, mention=mention(index.source, index.text, s)) for c, s in _concepts(index, index.axes, segment)
    ]


_Ref = TypeVar("_Ref", AxisRef, PublicRef)


def unique_concepts(refs: Iterable[_Ref]) -> tuple[_Ref, ...]:
    """One reference per concept (axis or public), the first."""
    first: dict[str, _Ref] = {}
    for ref in refs:
        first.setdefault(ref.concept, ref)
    return tuple(first.values())


def publics(index: DocumentIndex, segment: Segment) -> list[PublicRef]:
    return [
        PublicRef(public=c, mention=mention(index.source, index.text, s))
        for c, s in _concepts(index, index.publics, segment)
    ]


ACTION_EVENTS = frozenset({EventKind.START, EventKind.END})


def contract_events(index: DocumentIndex, segment: Segment) -> list[DatedEvent]:
    """A contract's signature, end, amendments, extensions and renewals; a start only as part of a
    stated period ("court de 2021 à 2023"): an "ouvert en 2019" is already the contract's year."""
    found = events(index, segment, frozenset(EventKind) - {EventKind.ADOPTION})
    # a period is the contract's where its sentence speaks of the contract ("Le contrat court jusqu'en
    # 2023"), not of what was done meanwhile ("Entre 2022 et 2024, la Ville a embauché 15 réfugiés")
    found = [
        e
        for e in found
        if e.kind not in (EventKind.START, EventKind.END)
        or ABOUT_CONTRACT.search(e.mention.text)
        or _IT.match(e.mention.text)
    ]
    ends = {e.mention.span for e in found if e.kind is EventKind.END}
    return [e for e in found if e.kind is not EventKind.START or e.mention.span in ends]
