"""Quantities in French text, as written: "1 500€", "30 places", "20 à 25 BPI", "Deux projets",
"environ 4 mois", "60 accessions par an", "20 primo-arrivants dont 12 BPI", "12 mois maximum".

A number counts something only when a unit noun follows it directly (possibly after "à N" for a
range): years, dates, ages ("moins de 25 ans"), department numbers ("Louer solidaire 69") and
ordinals are not quantities. What the text says is kept, never recomputed:

* a range "4 à 6 mois" is ONE quantity with ``minimum`` 4 and ``maximum`` 6; "12 mois maximum"
  has only a maximum;
* "environ 200€" is ``approximate``;
* "60 accessions par an" keeps its period (``per`` = year);
* "20 primo-arrivants dont 12 BPI", "Sur les 21 projets déposés, 13 seront financés" and "20 des 30
  plus grandes villes" give the part with ``subset_of`` pointing at the whole: a consumer adding
  people never adds a part to its whole.

>>> [(q.value, q.minimum, q.maximum, q.unit.value) for q in find_quantities("pour 5 familles (20 à 25 BPI)")]
[(Decimal('5'), None, None, 'household'), (None, Decimal('20'), Decimal('25'), 'beneficiary')]
>>> [(q.value, q.subset_of) for q in find_quantities("Le projet bénéficie à 20 primo-arrivants dont 12 BPI.")]
[(Decimal('20'), None), (Decimal('12'), 0)]
>>> [(q.value, q.unit.value, q.per and q.per.value) for q in find_quantities("60 accessions par an")]
[(Decimal('60'), 'housing-access', 'year')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .records import Unit

WORD_NUMBERS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "quinze": 15,
    "vingt": 20,
    "trente": 30,
    "cent": 100,
}
# unit nouns (singular and plural); "un/une" are only numbers before a unit noun (and are skipped: too ambiguous)
UNIT_NOUNS: list[tuple[str, Unit]] = [
    ("programmes de formation", Unit.TRAINING_PROGRAMME),
    ("bénéficiaires", Unit.BENEFICIARY),
    ("bénéficiaire", Unit.BENEFICIARY),
    ("primo-arrivants", Unit.BENEFICIARY),
    ("accompagnements", Unit.BENEFICIARY),
    ("réfugiés", Unit.BENEFICIARY),
    ("personnes", Unit.BENEFICIARY),
    ("BPI", Unit.BENEFICIARY),
    ("places", Unit.PLACE),
    ("place", Unit.PLACE),
    ("logements", Unit.DWELLING),
    ("logement", Unit.DWELLING),
    ("ménages", Unit.HOUSEHOLD),
    ("familles", Unit.HOUSEHOLD),
    ("ménage", Unit.HOUSEHOLD),
    ("famille", Unit.HOUSEHOLD),
    ("jeunes", Unit.YOUNG_PERSON),
    ("enfants", Unit.CHILD),
    ("heures", Unit.HOUR),
    ("heure", Unit.HOUR),
    ("jours", Unit.DAY),
    ("semaines", Unit.WEEK),
    ("mois", Unit.MONTH),
    ("participants", Unit.PARTICIPANT),
    ("séances", Unit.SESSION),
    ("projets", Unit.PROJECT),
    ("projet", Unit.PROJECT),
    ("associations", Unit.ORGANISATION),
    ("langues", Unit.LANGUAGE),
    ("études", Unit.STUDY),
    ("accessions", Unit.HOUSING_ACCESS),
    ("territoires", Unit.TERRITORY),
    ("métropoles", Unit.TERRITORY),
    ("villes", Unit.CITY),
    ("plus grandes villes", Unit.CITY),
    ("axes", Unit.AXIS),
    ("thématiques", Unit.AXIS),
    ("ambitions", Unit.AXIS),
    ("priorités", Unit.AXIS),
    ("orientations", Unit.AXIS),
]
_NUMBER = r"(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,\d+)?"
_VALUE = rf"(?:{_NUMBER}|(?i:{'|'.join(w for w in WORD_NUMBERS if w not in ('un', 'une'))}))"
_UNITS = "|".join(re.escape(noun) for noun, _ in sorted(UNIT_NOUNS, key=lambda nu: -len(nu[0])))
_UNIT_OF = {noun.casefold(): unit for noun, unit in UNIT_NOUNS}

QUANTITY = re.compile(
    rf"(?<![\w'’\-/])(?P<low>{_VALUE})(?:\s*(?:à|-)\s*(?P<high>{_NUMBER}))?"
    rf"(?:\s+(?P<million>millions?)(?:\s+(?:d['’]euros|de\s+financements?|€))?|"
    rf"\s*(?P<euro>€|euros\b)|[ \u00a0]+(?P<unit>(?i:{_UNITS}))(?![\w\-]))"
)
_LABEL_END = re.compile(
    r"[,.;:()«»\"\n]|\s\d|\s(?:dont|pour|et|soit|qui|à|de\s+moins|hors|sur|ont|sont|avaient|étaient|seront|réunissant|présents?|aux|par)\s"
)
_APPROXIMATE = re.compile(r"(?i:environ|près\s+de|approximativement|quelque)\s*$")
_MAXIMUM_AFTER = re.compile(r"\s*(?:au\s+)?maximum\b", re.I)
_MAXIMUM_BEFORE = re.compile(r"(?i:au\s+plus|jusqu['’]à|au\s+maximum)\s*$")
_MINIMUM_BEFORE = re.compile(r"(?i:au\s+moins|plus\s+de|minimum)\s*$")
_PER = re.compile(r"\s*(?:par|/)\s*(?P<period>an|année|mois|semaine|jour)\b", re.I)
_PERIOD_UNIT = {"an": Unit.YEAR, "année": Unit.YEAR, "mois": Unit.MONTH, "semaine": Unit.WEEK, "jour": Unit.DAY}
_SUBSET_AFTER = re.compile(r"\s*,?\s*dont\s*$", re.I)  # "20 primo-arrivants dont 12 BPI"
_OF_THE = re.compile(r"\s+des\s+$", re.I)  # "20 des 30 plus grandes villes"
_ELLIPTIC_PART = re.compile(r"(?i:sur\s+les\s+)$")  # "Sur les 21 projets déposés, 13 seront financés"
_ELLIPTIC_NUMBER = re.compile(rf"\s*,\s*(?P<part>{_NUMBER})\s+(?:seront|sont|ont\s+été|ont|seraient)(?:\s+[\wéèêàç]+)?")
_FINANCE = re.compile(r"(?i)financ|budget|euros|€|crédits")
# "ans" counts years only as a duration ("70 en deux ans", "conclu pour trois ans", "pour une durée
# initiale de trois ans"), never as an age ("moins de 25 ans")
_DURATION_YEARS = re.compile(
    rf"(?i:\b(?:en|sur|pendant|durant|pour|dur[ée]e(?:\s+\w+)?\s+de|d['’]une\s+dur[ée]e\s+de)\s+)(?P<years>{_VALUE})\s+ans\b"
)
# people counted as taking part ("ont participé 8 personnes dont 6 réfugiés") are participants
_TOOK_PART = re.compile(r"(?i:particip\w*)\s+(?:\w+\s+){0,2}$")
_PERSON_UNITS = frozenset({Unit.BENEFICIARY, Unit.PARTICIPANT})


@dataclass(frozen=True, slots=True)
class FoundQuantity:
    value: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    unit: Unit
    label: str
    start: int  # span of the label in the text
    end: int
    approximate: bool = False
    per: Unit | None = None
    subset_of: int | None = None  # index of the whole in the returned list


def _value(token: str) -> Decimal:
    folded = token.casefold()
    if folded in WORD_NUMBERS:
        return Decimal(WORD_NUMBERS[folded])
    return Decimal(re.sub(r"[ \u00a0\u202f]", "", token).replace(",", "."))


def _label_end(text: str, label_end: int, end: int) -> int:
    """Extend a count's label over its short noun phrase ("30 places possibles en hébergement collectif")."""
    stop = _LABEL_END.search(text, label_end, min(end, label_end + 60))
    tail_end = stop.start() if stop else min(end, label_end + 60)
    if len(text[label_end:tail_end].split()) <= 5:
        return label_end + len(text[label_end:tail_end].rstrip())
    return label_end


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[FoundQuantity]:
    end = len(text) if end is None else end
    out: list[FoundQuantity] = []
    for hit in QUANTITY.finditer(text, start, end):
        low, high = _value(hit.group("low")), (_value(hit.group("high")) if hit.group("high") else None)
        if hit.group("million"):
            paragraph_start = max(text.rfind("\n\n", start, hit.start()), start)
            if not _FINANCE.search(text, paragraph_start, min(end, hit.end() + 40)):
                continue  # "N millions" of something that is not money
            unit = Unit.EURO
            low, high = low * 1_000_000, (high * 1_000_000 if high is not None else None)
        elif hit.group("euro"):
            unit = Unit.EURO
        else:
            unit = _UNIT_OF[hit.group("unit").casefold()]
        label_start, label_end = hit.start("low"), hit.end()
        per_hit = _PER.match(text, label_end, end)
        per = _PERIOD_UNIT[per_hit.group("period").casefold()] if per_hit else None
        if per is unit:
            per = None  # "mois par mois"
        if per_hit:
            label_end = per_hit.end()
        elif unit is not Unit.EURO:
            label_end = _label_end(text, label_end, end)
        maximum_after = _MAXIMUM_AFTER.match(text, hit.end(), end) if unit is not Unit.EURO else None
        if maximum_after and per_hit is None:
            label_end = max(label_end, maximum_after.end())
        label = " ".join(text[label_start:label_end].replace("**", "").split())
        before = text[max(start, hit.start("low") - 20) : hit.start("low")]
        approximate = bool(_APPROXIMATE.search(before))
        value = minimum = maximum = None
        if high is not None:
            minimum, maximum = low, high
        elif maximum_after or _MAXIMUM_BEFORE.search(before):
            maximum = low
        elif _MINIMUM_BEFORE.search(before):
            minimum = low
        else:
            value = low
        subset_of = None
        if out and _SUBSET_AFTER.search(text, out[-1].end, hit.start("low")) and out[-1].end <= hit.start("low"):
            subset_of = len(out) - 1
            if unit in _PERSON_UNITS and out[-1].unit in _PERSON_UNITS:
                unit = out[-1].unit  # "8 personnes dont 6 réfugiés": the part is counted as its whole is
        elif unit is Unit.BENEFICIARY and _TOOK_PART.search(text, max(start, hit.start("low") - 40), hit.start("low")):
            unit = Unit.PARTICIPANT
        found = FoundQuantity(value, minimum, maximum, unit, label, label_start, label_end, approximate, per, subset_of)
        part_of = (
            _OF_THE.fullmatch(text, _previous_number_end(text, hit.start("low")), hit.start("low"))
            if _previous_number_end(text, hit.start("low")) >= start
            else None
        )
        if part_of:  # "20 des 30 plus grandes villes": the whole is this count, the part comes before it
            part = _value(
                text[_previous_number_start(text, hit.start("low")) : _previous_number_end(text, hit.start("low"))]
            )
            out.append(found)
            out.append(
                FoundQuantity(
                    part,
                    None,
                    None,
                    unit,
                    " ".join(text[_previous_number_start(text, hit.start("low")) : label_end].split()),
                    _previous_number_start(text, hit.start("low")),
                    label_end,
                    False,
                    per,
                    len(out) - 1,
                )
            )
            continue
        out.append(found)
        elliptic = (
            _ELLIPTIC_NUMBER.match(text, _clause_end(text, label_end, end), end)
            if _ELLIPTIC_PART.search(text, max(start, hit.start("low") - 10), hit.start("low"))
            else None
        )
        if elliptic:  # the part names no unit: it is the whole's ("13 seront financés" of "21 projets")
            out.append(
                FoundQuantity(
                    _value(elliptic.group("part")),
                    None,
                    None,
                    unit,
                    " ".join(text[elliptic.start("part") : elliptic.end()].split()),
                    elliptic.start("part"),
                    elliptic.end(),
                    False,
                    per,
                    len(out) - 1,
                )
            )
    for hit in _DURATION_YEARS.finditer(text, start, end):
        out.append(
            FoundQuantity(
                _value(hit.group("years")),
                None,
                None,
                Unit.YEAR,
                " ".join(text[hit.start("years") : hit.end()].split()),
                hit.start("years"),
                hit.end(),
            )
        )
    return out


_PREVIOUS_NUMBER = re.compile(rf"(?P<number>{_NUMBER})\s+des\s+$")


def _previous_number_match(text: str, position: int) -> re.Match[str] | None:
    return _PREVIOUS_NUMBER.search(text, max(0, position - 30), position)


def _previous_number_start(text: str, position: int) -> int:
    hit = _previous_number_match(text, position)
    return hit.start("number") if hit else -1


def _previous_number_end(text: str, position: int) -> int:
    hit = _previous_number_match(text, position)
    return hit.end("number") if hit else -1


def _clause_end(text: str, position: int, end: int) -> int:
    """Where the noun phrase after a count stops ("21 projets déposés|, 13 seront…")."""
    comma = text.find(",", position, min(end, position + 60))
    return comma if comma >= 0 else position
