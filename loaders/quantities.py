"""Quantities in French text: "1 500€", "30 places", "20 à 25 BPI", "Deux projets", "environ 4 mois".

A number counts something only when a unit noun follows it directly (possibly after "à N" for a
range): years, dates, ages ("moins de 25 ans"), department numbers ("Louer solidaire 69") and
ordinals are not quantities. A range "4 à 6 mois" gives two quantities, ``bound="min"`` and
``bound="max"``, with the same label; "environ 200€" is ``approximate``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .records import Unit

WORD_NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30, "cent": 100,
}
# unit nouns, longest first; "un/une" are only numbers before a unit noun (and are skipped: too ambiguous)
UNIT_NOUNS: list[tuple[str, Unit]] = [
    ("programmes de formation", Unit.TRAINING_PROGRAMME),
    ("bénéficiaires", Unit.BENEFICIARY), ("bénéficiaire", Unit.BENEFICIARY),
    ("primo-arrivants", Unit.BENEFICIARY), ("accompagnements", Unit.BENEFICIARY),
    ("réfugiés", Unit.BENEFICIARY), ("personnes", Unit.BENEFICIARY), ("BPI", Unit.BENEFICIARY),
    ("places", Unit.PLACE), ("place", Unit.PLACE),
    ("logements", Unit.DWELLING), ("logement", Unit.DWELLING),
    ("ménages", Unit.HOUSEHOLD), ("familles", Unit.HOUSEHOLD), ("ménage", Unit.HOUSEHOLD), ("famille", Unit.HOUSEHOLD),
    ("jeunes", Unit.YOUNG_PERSON),
    ("heures", Unit.HOUR), ("heure", Unit.HOUR),
    ("mois", Unit.MONTH),
    ("participants", Unit.PARTICIPANT),
    ("séances", Unit.SESSION),
    ("projets", Unit.PROJECT), ("projet", Unit.PROJECT),
    ("associations", Unit.ORGANISATION),
    ("langues", Unit.LANGUAGE),
    ("études", Unit.STUDY),
]
_NUMBER = r"(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,\d+)?"
_WORDS = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
_VALUE = rf"(?:{_NUMBER}|(?i:{'|'.join(w for w in WORD_NUMBERS if w not in ('un', 'une'))}))"
_UNITS = "|".join(re.escape(noun) for noun, _ in sorted(UNIT_NOUNS, key=lambda nu: -len(nu[0])))
_UNIT_OF = {noun.casefold(): unit for noun, unit in UNIT_NOUNS}

QUANTITY = re.compile(
    rf"(?<![\w'’\-/])(?P<low>{_VALUE})(?:\s*(?:à|-)\s*(?P<high>{_NUMBER}))?"
    rf"(?:\s*(?P<euro>€|euros\b)|[ \u00a0]+(?P<unit>(?i:{_UNITS}))(?![\w\-]))"
)
_LABEL_END = re.compile(
    r"[,.;:()«»\"\n]|\s\d|\s(?:dont|pour|et|soit|qui|à|de\s+moins|hors|sur|ont|sont|avaient|étaient|seront|réunissant|présents?|aux)\s"
)
_APPROXIMATE = re.compile(r"(?i:environ|près\s+de|approximativement)\s*$")


@dataclass(frozen=True, slots=True)
class FoundQuantity:
    value: Decimal
    unit: Unit
    label: str
    start: int  # span of the label in the text
    end: int
    bound: str | None
    approximate: bool


def _value(token: str) -> Decimal:
    folded = token.casefold()
    if folded in WORD_NUMBERS:
        return Decimal(WORD_NUMBERS[folded])
    return Decimal(re.sub(r"[ \u00a0\u202f]", "", token).replace(",", "."))


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[FoundQuantity]:
    end = len(text) if end is None else end
    out: list[FoundQuantity] = []
    for hit in QUANTITY.finditer(text, start, end):
        unit = Unit.EURO if hit.group("euro") else _UNIT_OF[hit.group("unit").casefold()]
        label_start = hit.start("low")
        label_end = hit.end()
        if unit is not Unit.EURO:  # extend the label over the noun phrase ("30 places possibles en hébergement collectif")
            stop = _LABEL_END.search(text, label_end, min(end, label_end + 60))
            tail_end = stop.start() if stop else min(end, label_end + 60)
            words = text[label_end:tail_end].split()
            if len(words) <= 5:
                label_end = label_end + len(text[label_end:tail_end].rstrip())
        label = " ".join(text[label_start:label_end].replace("**", "").split())
        approximate = bool(_APPROXIMATE.search(text, max(0, hit.start("low") - 20), hit.start("low")))
        low = _value(hit.group("low"))
        if hit.group("high"):
            high = _value(hit.group("high"))
            out.append(FoundQuantity(low, unit, label, label_start, label_end, "min", approximate))
            out.append(FoundQuantity(high, unit, label, label_start, label_end, "max", approximate))
        else:
            out.append(FoundQuantity(low, unit, label, label_start, label_end, None, approximate))
    return out
