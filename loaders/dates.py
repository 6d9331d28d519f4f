"""French dates at the precision the text gives them, and the dated events they mark.

A date is kept as written: "le 21 octobre 2021" → ``2021-10-21``, "en février 2020" → ``2020-02``,
"en 2019" → ``2019``; nothing is invented (no day for a month, no month for a year).

>>> [d.iso for d in find_dates("signé le 21 octobre 2021, court jusqu'en novembre 2023")]
['2021-10-21', '2023-11']
>>> [(e.kind.value, e.date) for e in find_events("Un avenant a été signé le 30 juin 2022.")]
[('amendment', '2022-06-30')]
>>> [(e.kind.value, e.date) for e in find_events("les actions se dérouleront de juin 2020 à juin 2021")]
[('start', '2020-06'), ('end', '2021-06')]
>>> [(e.kind.value, e.date) for e in find_events("Le 3 mai 2023, le maire a signé un avenant qui prolonge le contrat.")]
[('amendment', '2023-05-03'), ('extension', '2023-05-03')]
>>> observation_date("Au 19 juin 2020, 30 ménages étaient en cours d'accompagnement")
'2020-06-19'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import CONTRACT_WORD, EventKind

MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"
DATE = re.compile(
    rf"(?i:\b(?:(?P<day>[0-3]?\d)(?:er)?\s+)?(?:(?:le\s+)?mois\s+de\s+)?(?P<month>{_MONTH})\s+|\b)(?P<year>{_YEAR})\b"
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    iso: str
    start: int
    end: int


def _iso(hit: re.Match[str]) -> str | None:
    year = hit.group("year")
    month = hit.group("month")
    if not month:
        return year
    number = MONTHS[month.casefold()]
    day = hit.group("day")
    if day:
        if not 1 <= int(day) <= 31:
            return None
        return f"{year}-{number:02d}-{int(day):02d}"
    return f"{year}-{number:02d}"


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[FoundDate]:
    end = len(text) if end is None else end
    out = []
    for hit in DATE.finditer(text, start, end):
        iso = _iso(hit)
        if iso:
            out.append(FoundDate(iso, hit.start(), hit.end()))
    return out


@dataclass(frozen=True, slots=True)
class FoundEvent:
    kind: EventKind
    date: str
    start: int  # the date's span
    end: int


# cue (just before the date, same clause) -> kind of event
_CUES: list[tuple[re.Pattern[str], EventKind]] = [
    (
        re.compile(r"(?i)\bavenant\b[^.;]{0,60}\b(?:sign[ée]e?|conclu|adopt[ée])\s+(?:le\s+|en\s+)?$"),
        EventKind.AMENDMENT,
    ),
    # "complété par un avenant en 2021", "un avenant du 30 juin 2022"
    (re.compile(r"(?i)\bavenant\s+(?:en|du|de)\s+$"), EventKind.AMENDMENT),
    (
        re.compile(
            r"(?i)\b(?:prolong[ée]e?|reconduite?|renouvel[ée]e?)\s+(?:jusqu['’]\s*(?:au|en|à)\s+|le\s+|en\s+)?$"
        ),
        EventKind.EXTENSION,
    ),
    (
        re.compile(r"(?i)\b(?:stratégie|strategie)\b[^.;]{0,120}\b(?:act[ée]e|adopt[ée]e)\b[^.;]{0,80}\ble\s+$"),
        EventKind.ADOPTION,
    ),
    (re.compile(r"(?i)\b(?:sign[ée]e?|conclu)\s+(?:le\s+|en\s+)$"), EventKind.SIGNATURE),
    # "la préfecture et la Ville ont signé le contrat territorial d'accueil et d'intégration le 21
    # octobre 2021": the object between verb and date
    (
        re.compile(
            rf"(?i)\bsign[ée]e?n?t?\s+(?:le|ce|leur|son|un)\s+(?:nouveau\s+|premier\s+)?{CONTRACT_WORD}\b"
            r"[^.;]{0,80}?\s(?:le|en)\s+$"
        ),
        EventKind.SIGNATURE,
    ),
    # "signé avec l'Etat le 10 décembre 2021", "a signé avec l'Etat, le 10 décembre 2021, son contrat"
    (re.compile(r"(?i)\bsign[ée]\w*\s+(?:avec|par)\s+[^.;]{1,60}?[\s,]+le\s+$"), EventKind.SIGNATURE),
    # "parmi les premières signataires, en juin 2019, d'un contrat"
    (re.compile(r"(?i)\bsignataires?\b\s*,?\s*(?:en|le)\s+$"), EventKind.SIGNATURE),
    (
        re.compile(
            r"(?i)\b(?:court|courra|valable|s['’]ach[eè]ve|prend\s+fin|se\s+termine)\s+jusqu['’]\s*(?:au|en|à)\s+$|\bjusqu['’]\s*(?:au|en)\s+$"
        ),
        EventKind.END,
    ),
    (
        re.compile(
            r"(?i)(?:^|[\s,;:(])(?:depuis|à\s+partir\s+de)\s+(?:fin\s+|début\s+)?$|\b(?:démarr[ée]e?|lanc[ée]e?|ouvert|effectif|mise?\s+en\s+place)\s+(?:depuis\s+|en\s+|le\s+)?$"
        ),
        EventKind.START,
    ),
]
# "Le 17 octobre 2022, le maire, le préfet et le délégué ont signé un nouveau contrat": a date that
# opens its sentence, and the verb that says what happened then later in it
_WEEKDAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_OPENING_DATE = re.compile(rf"(?:^|[.!?:\n]\s*)(?:(?:Le|Dès\s+le|En|Depuis\s+le)\s+(?:{_WEEKDAY}\s+)?)?$", re.I)
# the verb of a signature ("ont signé", "a été signé", "signent", "ont conclu", "est signataire")
SIGNING_VERB = (
    r"(?:(?:a|ont)\s+(?:été\s+|conjointement\s+|ensemble\s+)?sign[ée]e?s?|sign(?:e|ent)|(?:a|ont)\s+conclu"
    r"|(?:est|sont)\s+signataires?)"
)
_SIGNED_LATER = re.compile(rf"\s*,[^.;]{{0,200}}?\b{SIGNING_VERB}\b(?P<object>[^.;]{{0,60}})", re.I)
_AMENDMENT_WORD = re.compile(r"\bavenant\b", re.I)
# "un avenant … l'a prolongé", "signé un avenant qui prolonge le contrat": the amendment extends it
_EXTENDS = re.compile(r"\b(?:prolong|prorog|reconduit)\w*", re.I)
# "pour une durée de trois ans (2019-2021)"
_YEAR_SPAN = re.compile(rf"\(\s*(?P<first>{_YEAR})\s*[-–]\s*(?P<second>{_YEAR})\s*\)")
_RANGE_START = re.compile(r"(?:^|[\s,;:(])(?:de|d['’]|du)\s*(?:fin\s+|début\s+)?$", re.I)
_RANGE_END = re.compile(r"\s+(?:à|au|jusqu['’]\s*(?:à|en|au))\s+", re.I)


_SEASON = re.compile(r"(?i)\b(?:à\s+l['’]automne|au\s+printemps|à\s+l['’]été|à\s+l['’]hiver|courant|fin|début)\s+$")
_TWO_YEARS = re.compile(rf"(?i:\b(?:en|entre))\s+(?P<first>{_YEAR})\s+et\s+(?P<second>{_YEAR})\b")
_NUMBER_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5}
# "mise en place depuis un an": relative to the document's date, at year precision
_SINCE_YEARS = re.compile(r"(?i)\bdepuis\s+(?P<n>un|deux|trois|quatre|cinq|\d)\s+ans?\b")


def find_events(
    text: str, start: int = 0, end: int | None = None, reference_year: int | None = None
) -> list[FoundEvent]:
    """Dated events in ``text[start:end]``: the cue just before each date says what happened then.
    ``reference_year`` (the document's) dates "depuis un an"."""
    end = len(text) if end is None else end
    out: list[FoundEvent] = []
    pair = _TWO_YEARS.search(text, start, end) or _YEAR_SPAN.search(text, start, end)  # a period
    if pair:
        out.append(FoundEvent(EventKind.START, pair.group("first"), pair.start("first"), pair.end("first")))
        out.append(FoundEvent(EventKind.END, pair.group("second"), pair.start("second"), pair.end("second")))
    if reference_year is not None:
        for since in _SINCE_YEARS.finditer(text, start, end):
            years = _NUMBER_WORDS.get(since.group("n").casefold()) or int(since.group("n"))
            out.append(FoundEvent(EventKind.START, str(reference_year - years), since.start(), since.end()))
    dates = find_dates(text, start, end)
    range_end: set[int] = set()  # indexes of dates that close a "de X à Y" range
    for i, date in enumerate(dates):
        if pair and pair.start() <= date.start < pair.end():
            continue
        if i in range_end:
            out.append(FoundEvent(EventKind.END, date.iso, date.start, date.end))
            continue
        before = text[max(start, date.start - 160) : date.start]
        following = dates[i + 1] if i + 1 < len(dates) else None
        if following and _RANGE_START.search(before) and _RANGE_END.fullmatch(text, date.end, following.start):
            out.append(FoundEvent(EventKind.START, date.iso, date.start, date.end))
            range_end.add(i + 1)
            continue
        for cue, kind in _CUES:
            if cue.search(before):
                out.append(FoundEvent(kind, date.iso, date.start, date.end))
                break
        else:
            signed = _SIGNED_LATER.match(text, date.end, end) if _OPENING_DATE.search(before) else None
            if signed:
                amended = _AMENDMENT_WORD.search(signed.group("object"))
                kind = EventKind.AMENDMENT if amended else EventKind.SIGNATURE
                out.append(FoundEvent(kind, date.iso, date.start, date.end))
            elif _SEASON.search(before) and "-" not in date.iso:  # "à l'automne 2020": when it starts
                out.append(FoundEvent(EventKind.START, date.iso, date.start, date.end))
        if out and out[-1].start == date.start and out[-1].kind is EventKind.AMENDMENT:
            sentence_end = text.find(".", date.end, end)
            if _EXTENDS.search(text, date.end, sentence_end if sentence_end >= 0 else end):
                out.append(FoundEvent(EventKind.EXTENSION, date.iso, date.start, date.end))
    return out


_OBSERVATION = re.compile(
    rf"^\s*(?:(?:Au|Le|Fin|Début)\s+|En\s+|Depuis\s+)?(?P<date>(?:[0-3]?\d(?:er)?\s+)?(?:{_MONTH})\s+{_YEAR}|{_YEAR})\s*,",
    re.I,
)


def observation_date(sentence: str) -> str | None:
    """The date a sentence opens with ("Au 19 juin 2020, …", "En février 2020, …", "En 2019, …"):
    the figures of that sentence were observed then."""
    hit = _OBSERVATION.match(sentence)
    if not hit:
        return None
    dates = find_dates(sentence, hit.start("date"), hit.end("date"))
    return dates[0].iso if dates else None
