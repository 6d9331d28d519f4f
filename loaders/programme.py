"""Facts about the national programme that a document states outside any territory's part: the
strategy's adoption date, counts of territories and cities under contract, amounts of funding and
whose they are, the interministerial delegate, and the institutions' roles.

Read only from the document's *general* text (a report's introduction, an article's interview),
never from a territory section, so a territory's figures never become national ones — except the
interministerial delegate, a national office wherever the document names its holder.
"""

from __future__ import annotations

import re
from typing import Any

from .facts import CUED, DocumentIndex, events, participations, quantities
from .records import EventKind, NationalProgramme, Participation, Person, Quantity, Role, Unit
from .text import Segment, enclosing, mention, paragraphs

# the figures that describe the programme as a whole; a count of beneficiaries in a general text
# ("300 jeunes réfugiés") describes some action, not the programme
_PROGRAMME_UNITS = frozenset({Unit.TERRITORY, Unit.CITY, Unit.AXIS, Unit.EURO})
_DELEGATE = re.compile(
    r"(?:[Ll]e\s+)?[Dd]élégu[ée]e?\s+interministériel(?:le)?(?P<title_tail>[^,.]{0,90}),\s*(?P<name>[A-ZÉ][\w’'\-]+(?:\s+[A-ZÉ][\w’'\-]+){1,2})"
    r"|(?P<name2>[A-ZÉ][\w’'\-]+(?:\s+[A-ZÉ][\w’'\-]+){1,2}),\s*(?:[Pp]réfet,\s*)?[Dd]élégu[ée]e?\s+interministériel"
)
_THIS_YEAR = re.compile(r"\bcette\s+année\b|\brécemment\b", re.I)  # as of the document's date
_IN_YEAR = re.compile(r"\b(?:en|pour)\s+(?P<year>(?:19|20)\d{2})\b")
# "… 11 territoires ont signé …; et 9 millions d'euros ont été mobilisés": a clause of its own
_CLAUSE_BREAK = re.compile(r"[:;]")
# "Le présent document retrace quelques actions conduites dans trois territoires": the document's
# own scope, not a count of the programme
_THIS_DOCUMENT = re.compile(r"\b(?:présent\s+document|ce\s+document|pages\s+suivantes|cet\s+article)\b", re.I)
_WE = re.compile(r"^\s*Nous\b")
_DELEGATION = "diair"


def read_programme(index: DocumentIndex, general: list[Segment], issued_year: int) -> NationalProgramme:
    text = index.text
    people: list[Person] = []
    found_events = []
    found_quantities: list[Quantity] = []
    found_participations: dict[tuple[str, Role], Participation] = {}
    # the interministerial delegate is a national office wherever the document names its holder
    # ("en présence d'Alain Régnier, délégué interministériel", in a territory's part too)
    document_paragraphs = paragraphs(text, Segment(0, len(text)))
    for hit in _DELEGATE.finditer(text):
        name = hit.group("name") or hit.group("name2")
        paragraph = enclosing(document_paragraphs, hit.start())
        if paragraph is None or any(p.name == name for p in people):
            continue
        sentence = enclosing(index.sentences(paragraph), hit.start()) or paragraph
        tail = (hit.group("title_tail") or "").strip()
        title = f"délégué interministériel {tail}".strip() if tail else "délégué interministériel"
        head_of = _DELEGATION if _DELEGATION in index.registry.organisations else None
        people.append(Person(name=name, title=title, head_of=head_of, mention=mention(index.source, text, sentence)))
    for segment in general:
        found_events += events(index, segment, frozenset({EventKind.ADOPTION}))
        for participation in participations(index, segment, least=CUED):
            found_participations.setdefault((participation.organisation, participation.role), participation)
        position: dict[int, int] = {}  # index in the segment's figures -> index in the programme's
        for i, quantity in enumerate(quantities(index, segment)):
            if quantity.unit not in _PROGRAMME_UNITS or _THIS_DOCUMENT.search(quantity.mention.text):
                continue
            whole = position.get(quantity.subset_of) if quantity.subset_of is not None else None
            position[i] = len(found_quantities)
            found_quantities.append(
                _dated_and_funded(index, quantity.model_copy(update={"subset_of": whole}), segment, issued_year, people)
            )
    for quantity in found_quantities:
        if quantity.funder:
            found_participations.setdefault(
                (quantity.funder, Role.FUNDER),
                Participation(
                    organisation=quantity.funder,
                    role=Role.FUNDER,
                    surface=index.registry.organisations[quantity.funder].name,
                    mention=quantity.mention,
                ),
            )
    return NationalProgramme(
        events=tuple(found_events),
        quantities=tuple(found_quantities),
        participations=tuple(found_participations.values()),
        people=tuple(people),
    )


def _dated_and_funded(
    index: DocumentIndex, quantity: Quantity, paragraph: Segment, issued_year: int, people: list[Person]
) -> Quantity:
    """A programme figure is dated by its clause ("pour 2021, année pour laquelle la Diair a réservé
    4 millions", the year nearest before the figure, else after it; "cette année"); an amount is the
    money of the organisation its clause names first ("la DGEF et la Diair ont rapproché leurs
    démarches : … et 9 millions d'euros ont été mobilisés" names nobody's), or of the speaker's when
    it says "Nous"."""
    sentence = quantity.mention.text
    span = quantity.mention.span
    at = sentence.find(quantity.label)
    at = at if at >= 0 else 0
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, at)]
    following = _CLAUSE_BREAK.search(sentence, at)
    clause = Segment(
        span.start + (breaks[-1] if breaks else 0), span.start + (following.start() if following else len(sentence))
    )
    update: dict[str, Any] = {}
    if quantity.observed is None:
        years = list(_IN_YEAR.finditer(index.text, clause.start, clause.end))
        before = [y for y in years if y.start() < span.start + at]
        year = before[-1] if before else (years[0] if years else None)
        # an amount's year may be given by the sentence before it ("… cette année. La DGEF ajoute 5,2 millions.")
        context = index.text[paragraph.start : span.end] if quantity.unit is Unit.EURO else sentence
        if year:
            update["observed"] = year.group("year")
        elif _THIS_YEAR.search(context):
            update["observed"] = str(issued_year)
    if quantity.unit is Unit.EURO:
        named = index.organisations_in(clause)
        if named:
            update["funder"] = named[0].id
        elif _WE.match(sentence) and any(p.head_of for p in people):
            update["funder"] = next(p.head_of for p in people if p.head_of)
    return quantity.model_copy(update=update) if update else quantity
