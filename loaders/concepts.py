"""Axes and target publics, detected in text from the SKOS labels of ``ontology/schemes.ttl``.

The concepts are read with rdflib: every ``skos:Concept`` whose IRI is in the axis namespace
(``https://w3id.org/ctair/axis/``) or the public namespace (``…/public/``), with its
``skos:prefLabel``, ``skos:altLabel`` and ``skos:hiddenLabel`` in French (or without language).

Matching works on lemmas (``loaders/lemmas.py``): label words and text words are reduced to the
same key (lemma, folded, doubled letters collapsed), articles and the prepositions de/à/en are
skipped on both sides, so "l'accès aux logements sociaux" meets the label "logement social" and
"logements" meets "logement". The match is leftmost, longest first, non-overlapping, so a specific
label ("groupe de travail", pilotage) shadows the general words it contains ("travail").

A label occurrence does not count (context rules, in this order):

1. *blocked phrases* (``BLOCKED``): set phrases that contain a label word without meaning the
   concept — "droit commun" (mainstream services) is not access to rights;
2. *names*: inside the name of an organisation, a department or a programme the words name the
   body, not the action's theme ("Direction des Solidarités, de la Santé et de la Jeunesse" is
   not health; "Commission Territoriale de Relogement des Réfugiés" is not a public). ``name_spans``
   finds them without the registry (capitalised institutional names, "X (ACRONYM)" definitions,
   quoted or capitalised programme names after "projet", "programme"…, lowercase departments
   "la direction des sports", a person's portfolio "déléguée à la santé"); ``DocumentIndex``
   also drops hits inside the registry's organisation matches;
3. *negation*: "sans", "hors", "ni", "non" before the label, or the label inside the scope of
   "ne … pas/plus/jamais/aucun" (to the end of the clause). Decision: a negated mention never
   asserts its concept. "jeunes BPI sans logement" describes the public's situation, it does not
   put the action on the housing axis (the action gets housing from what it does: "accompagnement
   vers le logement"); "ne proposent pas un simple hébergement" is not accommodation;
4. *origin*: after "sortant de", "sortir de", "sortie de" the concept is where people come
   from, not what the action provides ("réfugiés sortant de dispositifs d'hébergement" is not
   the accommodation axis; the action is about what comes after);
5. *asides*: a parenthesised list of examples ("cette action facilite les autres aspects de
   l'intégration (scolarisation des enfants, insertion professionnelle, etc.)", "les champs de la
   vie quotidienne (social, culturel, mobilité, santé)") names fields the action touches, not
   what it does. A parenthesis without a comma still counts ("(30 places en hébergement collectif)");
6. *circumstances* (axes only — the public they name is still the action's public): what an
   evaluation measures ("l'impact … sur les parcours d'intégration") or a step is a prerequisite of
   ("nécessaire à un parcours d'intégration réussi") is not what the action does; the words
   right after "bénéficiant de", "inscrits dans" say what the public already has ("les BPI
   bénéficiant d'un hébergement public", "inscrits dans une action alliant service civique et
   apprentissage du français"), after "professionnels de", "intermédiaires
   de", "acteurs de" which field people work in ("à destination des professionnels de l'insertion
   par l'emploi" trains professionals, it is no employment action; "d'autres acteurs comme les
   clubs sportifs" names partners), after "le temps de" how long something lasts ("le temps de
   l'accès à l'emploi") — up to the end of the clause; an example ("Par exemple, pour trouver des
   solutions de covoiturage…", "pour apprendre à faire du vélo par exemple") illustrates, like an
   aside (rule 5); and the agent of a passive ("piloté par le CCAS", "la dynamique engagée par les
   groupes de travail", "porté par l'organisme de formation AIM") names who acts, not what the
   action is about — a means ("par le biais de groupes de travail") is no agent.

A *generic head* (``GENERIC_HEADS``: "formation") names its concept only when the text does not say
which kind it is (axes only). "Des formations préalables sur mesure" is vocational training; not so a
head that another concept's words qualify ("les demandes en formation « Français Langue Étrangère »"
is language), one whose sentence says the trainees are professionals ("des formations afin de
permettre aux professionnels de mieux comprendre…", with the list a colon opens) — the training of
professionals (``professionnalisation-des-acteurs``) — nor "la formation", "cette formation" after a
named kind of training in the same paragraph ("La formation linguistique ALIOS … La formation touche
10 BPI"), which refers back to it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .errors import InputError
from .lemmas import LemmaKeys, fold_word
from .text import Segment, enclosing, sentences

AXIS_NS = "https://w3id.org/ctair/axis/"
PUBLIC_NS = "https://w3id.org/ctair/public/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass(frozen=True, slots=True)
class ConceptHit:
    concept: str  # local name
    start: int
    end: int
    generic: bool = False  # a generic head ("formation"), which its context may resolve to another concept


# words, and the punctuation that ends a clause (a label never spans it; negation stops at it)
_TOKEN = re.compile(r"[^\W_]+|[.,;:!?()\[\]«»\"“”/]")
_BARRIER = frozenset('.,;:!?()[]«»"“”/')
# skipped on both sides: "accès au logement" = "accès à un logement" = "accès logement"
_FUNCTION = frozenset(
    [
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "des",
        "de",
        "du",
        "d",
        "à",
        "a",
        "au",
        "aux",
        "en",
        "et",
        "ou",
        "leur",
        "leurs",
        "son",
        "sa",
        "ses",
        "ce",
        "cet",
        "cette",
        "ces",
        "notre",
        "nos",
        "votre",
        "vos",
        "mon",
        "ma",
        "mes",
        "y",
        # "coopération avec les acteurs" = "coopération entre les acteurs" = "coopération des acteurs"
        "avec",
        "entre",
    ]
)
_NEGATE_NEXT = frozenset({"sans", "hors", "ni", "non"})
_NE = frozenset({"ne", "n"})
_NE_PARTNER = frozenset({"pas", "plus", "jamais", "point", "guère", "guere", "aucun", "aucune", "rien", "nullement"})
# a negation's scope ends at a new clause: "n'ont jamais été hébergés afin de définir un projet"
_CLAUSE_END = frozenset(
    {"mais", "car", "puis", "afin", "pour", "qui", "que", "qu", "quand", "lorsque", "dont", "où", "si"}
)
_CONJUNCTION = frozenset({"et", "ou"})  # function words, but they end a negation's scope too
_NEGATION_SCOPE = 6  # content tokens after "pas": "ne proposent pas un simple hébergement"
_ORIGIN = frozenset({"sortant", "sortir", "sortie"})  # keys (lemmas)
_ORIGIN_GAP = 2  # content tokens between "sortant de" and the label ("sortant de dispositifs d'hébergement")

# Phrases whose words are labels but which do not mean the concept (matched like labels, and win
# when longer or leftmost); each with why.
BLOCKED = (
    "droit commun",  # "dispositifs de droit commun": mainstream services, not access to rights
    "socio-éducatif",  # "accompagnement socio-éducatif": social support, not schooling
    "situation sanitaire",  # the epidemic, not health care
    "service civique",  # a volunteering contract, not citizenship
    "langue étrangère",  # "Français Langue étrangère": the language, not foreigners (a langue label wins)
)

# --- generic heads ------------------------------------------------------------------------------
# word -> the concept it names when nothing in the text says which kind it is
GENERIC_HEADS = {"formation": "formation"}
# a training whose trainees are professionals is the training of professionals
TRAINING_OF_PROFESSIONALS = "professionnalisation-des-acteurs"
_PROFESSIONALS_TRAINED = re.compile(
    r"\b(?:à\s+destination\s+d(?:es|u|e\s+la|e\s+l['’])|pour\s+les|permettre\s+aux|auprès\s+des|aux)\s+"
    r"(?:[\w'’-]+\s+){0,2}?(?:professionnel|agent|acteur|intervenant|travailleur|bénévole|soignant|enseignant|"
    r"personnel|équipe|élu|salarié)s\b",
    re.I,
)
# only function words and quotes between a generic head and the concept that qualifies it
_QUALIFIES = re.compile(r"^[\s«\"“*]*(?:(?:en|de|d['’]|du|des|à|au|aux|la|le|les|l['’])\s*)*[\s«\"“*]*$", re.I)
# "l'accès à l'emploi via la formation et la capacité pour les travailleurs sociaux": another item of
# the list, whose professionals are not the trainees
_ANOTHER_ITEM = re.compile(r"[,;]|\b(?:et|ou)\b", re.I)
_REFERS_BACK = re.compile(r"\b(?:la|les|cette|ces|cet|ce)\s*$", re.I)
_LIST_AFTER_COLON = re.compile(r"(?:\s*\n\s*[-•–*][^\n]*)+")


def _first_word(text: str, hit: ConceptHit) -> str:
    """The hit's first word, folded, without a plural mark ("Formations" = "formation")."""
    word = fold_word(re.split(r"[\W_]+", text[hit.start : hit.end], maxsplit=1)[0])
    return word[:-1] if word.endswith(("s", "x")) else word


def _sentence_end(text: str, position: int) -> int:
    """Where the sentence holding ``position`` ends (``text.sentences``), with the list its colon opens."""
    line = Segment(text.rfind("\n", 0, position) + 1, len(text) if (nl := text.find("\n", position)) < 0 else nl)
    sentence = enclosing(sentences(text, line), position)
    end = sentence.end if sentence else line.end
    if text[:end].rstrip().endswith(":"):
        listed = _LIST_AFTER_COLON.match(text, end)
        end = listed.end() if listed else end
    return end


# --- names (rule 2) ----------------------------------------------------------------------------
_HEADS = (
    "Direction|Délégation|Commission|Comité|Conseil|Dispositif|Programme|Plan|Service|Agence|Centre|Caisse|Office|"
    "Maison|Pôle|Plateforme|Mission|Ministère|Résidence|Fondation|Association|Université|Institut|Observatoire|"
    "Académie|Fédération|Union|Secrétariat|Préfecture|Assurance|Établissement|Foyer|Conférence|Réseau|Collectif"
)
_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*"
_CONNECTOR = r"(?:[ \t]*[,/]?[ \t]*(?:(?:de|des|du|d['’]|la|le|les|l['’]|et|pour|à|aux|au|en|sur|contre)[ \t]*)*)"
# "Direction des Solidarités, de la Santé et de la Jeunesse", "Commission Territoriale de Relogement des Réfugiés"
_INSTITUTION = re.compile(rf"\b(?:{_HEADS})s?\b(?:{_CONNECTOR}{_CAP})*")
_SENTENCE_START = re.compile(r"(?:^|[\n.!?:]\s*|[«\"*\-–]\s*)$")
# "centre communal d'action sociale (CCAS)", "Dispositif national d'accueil (DNA)"
_ACRONYM_DEF = re.compile(r"\(\s*(?P<acronym>[A-Z][A-Z0-9]{1,7})\s*\)")
_HEAD_WORD = re.compile(rf"^(?:{_HEADS.lower()})s?$")
_NAMING = (
    r"(?:projet|programme|dispositif|portail|plateforme|label|opération|festival|association|collectif"
    r"|intitulée?s?|appelée?s?|nommée?s?)"
)
# 'l'association "Danse à tous les étages"', 'le portail numérique « Bonjour Strasbourg »'
_QUOTED_NAME = re.compile(
    rf"\b{_NAMING}\b(?:\s+[\w'’\-]+){{0,4}}?\s*[«\"“]\s*(?P<name>[^»\"”\n]{{1,80}}?)\s*[»\"”]", re.I
)
# "le programme INSAIR 38", "le projet Tero Loko" (a capitalised run after a naming noun, same line)
_CAPITAL_NAME = re.compile(
    rf"\b(?:projet|programme|dispositif|plateforme|portail|label)[ \t]+(?P<name>{_CAP}(?:[ \t]+(?:{_CAP}|\d+))*)"
)
# "la direction des sports", "le pôle de la santé": a department, lowercase
_DEPARTMENT = re.compile(r"\b(?:direction|département|pôle)s?\s+(?:des|du|de\s+la|de\s+l['’]|de|d['’])\s*[\w\-]+", re.I)
# "vice-présidente déléguée à la citoyenneté, aux politiques sociales et à la santé": a portfolio
_PORTFOLIO = re.compile(
    r"\b(?:délégu|adjoint)(?:é|e)?e?s?\s+(?:à|au|aux)\b[^.\n]*|\bchargée?s?\s+de\s+mission\b[^.\n]*", re.I
)


# --- circumstances (rule 6) ---------------------------------------------------------------------
_OF = r"(?:de\s+la\s+|de\s+l['’]\s*|du\s+|des\s+|de\s+|d['’]\s*)"
_CIRCUMSTANCE = re.compile(
    rf"\b(?:b[ée]n[ée]ficiant|disposant)\s+{_OF}"
    r"|\binscrit(?:e|s|es)?\s+(?:dans|en|à|au|aux)\s+"
    rf"|\b(?:professionnel|intermédiaire|intermediaire|acteur|travailleur)s\s+(?:{_OF}|comme\s+|tels?\s+que\s+)"
    rf"|\ble\s+temps\s+{_OF}"
    # what is measured ("mesurer l'impact des actions sur les parcours d'intégration") and what a
    # step is a prerequisite of ("la première étape nécessaire à un parcours d'intégration réussi")
    r"|\b(?:impact|effet|incidence)s?\s+(?:[^.,;:()\n]{0,70}?\s)?sur\s+"
    r"|\b(?:nécessaire|necessaire|indispensable|préalable|prealable)s?\s+(?:à|a|au|aux|pour)\s+",
    re.I,
)
# the agent of a passive: "piloté par le CCAS", "engagée par les groupes de travail"; the agent's
# words end where a preposition opens what the action does ("soutenu par la DRAC dans le domaine
# de la culture")
# ("publics réfugiés par la mobilisation de la société civile": words for people's status end like
# participles without being one)
_STATUS = r"r[ée]fugi|isol|[âa]g|salari|handicap|immigr|exil|d[ée]plac|prot[ée]g|sinistr"
_AGENT = re.compile(
    rf"\b(?!(?:{_STATUS})(?:é|ée|és|ées)\b)\w+(?:é|ée|és|ées)\s+par\s+"
    r"(?!le\s+biais\b|l['’]\s*interm[ée]diaire\b|la\s+voie\b|exemple\b)",
    re.I,
)
_PROPER_NAME = re.compile(r"\b[A-ZÀ-ÖØ-Þ][\w'’-]*(?:[ \t]+[A-ZÀ-ÖØ-Þ0-9][\w'’-]*)*")
_AGENT_END = re.compile(r"\b(?:pour|dans|afin|avec|sur|vers|auprès|autour|en\s+faveur|au\s+profit)\b", re.I)
_CIRCUMSTANCE_REACH = 60  # characters: a circumstance is a phrase, not the rest of a long sentence
_CLAUSE_MARK = re.compile(r"[,;:.!?()\n]|\b(?:pour|afin|qui|dont|où)\b", re.I)


# "Par exemple, pour trouver des solutions de covoiturage …" (to the end of the sentence); "des
# acteurs … pour apprendre à faire du vélo par exemple" (back to the start of the clause)
_EXAMPLE_OPENING = re.compile(r"(?:^|(?<=[.!?:\n]))\s*Par\s+exemple\b[^.!?\n]*", re.I)
_EXAMPLE_CLOSING = re.compile(r"\bpar\s+exemple\b", re.I)


def circumstance_spans(text: str) -> list[tuple[int, int]]:
    """Sorted spans of ``text`` that say who the people are, how long something lasts, or give an
    example (rule 6)."""
    spans = []
    for hit in _CIRCUMSTANCE.finditer(text):
        stop = _CLAUSE_MARK.search(text, hit.end(), hit.end() + _CIRCUMSTANCE_REACH)
        spans.append((hit.end(), stop.start() if stop else min(len(text), hit.end() + _CIRCUMSTANCE_REACH)))
    for hit in _AGENT.finditer(text):
        reach = min(len(text), hit.end() + _CIRCUMSTANCE_REACH)
        ends = (_CLAUSE_MARK.search(text, hit.end(), reach), _AGENT_END.search(text, hit.end(), reach))
        stops = [m.start() for m in ends if m]
        named = _PROPER_NAME.search(text, hit.end(), reach)  # "par l'organisme Horizon vise …": the name ends it
        stops += [named.end()] if named else []
        spans.append((hit.end(), min(stops, default=reach)))
    opened = [(hit.start(), hit.end()) for hit in _EXAMPLE_OPENING.finditer(text)]
    spans.extend(opened)
    for hit in _EXAMPLE_CLOSING.finditer(text):
        if any(start <= hit.start() < end for start, end in opened):
            continue
        marks = list(_CLAUSE_MARK.finditer(text, max(0, hit.start() - _CIRCUMSTANCE_REACH), hit.start()))
        spans.append((marks[-1].end() if marks else max(0, hit.start() - _CIRCUMSTANCE_REACH), hit.start()))
    return sorted(spans)


def _acronym_spans(text: str) -> list[tuple[int, int]]:
    """Spans of "head … (ACR)" where the acronym's letters are the initials of the words before it
    and the first of those words is an institutional head ("Dispositif", "centre"…)."""
    out = []
    for hit in _ACRONYM_DEF.finditer(text):
        letters = [c for c in hit.group("acronym").lower() if c.isalpha()]
        window_start = max(0, hit.start() - 160)
        words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\W\d_]+", text[window_start : hit.start()])]
        words = [(s + window_start, e + window_start, w) for s, e, w in words if w.lower() not in _FUNCTION]
        if len(words) < len(letters) or not letters:
            continue
        tail = words[len(words) - len(letters) :]
        if [fold_word(w[0]) for _, _, w in tail] == letters and _HEAD_WORD.match(tail[0][2].lower()):
            out.append((tail[0][0], hit.end()))
    return out


# "Unis-Cité", "Forum Réfugiés-Cosi": capitalised words joined by hyphens are a proper name
_HYPHENATED_NAME = re.compile(r"\b[A-ZÀ-ÖØ-Þ][\w'’]*(?:-[A-ZÀ-ÖØ-Þ][\w'’]*)+")
# "(scolarisation des enfants, insertion professionnelle, etc.)": a parenthesised list of examples
_ASIDE = re.compile(r"\((?=[^()\n]*,)[^()\n]*\)")


def name_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, merged spans of ``text`` that are names of bodies, departments, programmes or a
    person's portfolio (rule 2 above), found without the registry, and asides (rule 5)."""
    spans: list[tuple[int, int]] = [(hit.start(), hit.end()) for hit in _ASIDE.finditer(text)]
    for hit in _INSTITUTION.finditer(text):
        extended = " " in hit.group().strip() or "," in hit.group()
        # a capitalised head alone at the start of a sentence is a common noun ("Dispositif de …")
        if extended or not _SENTENCE_START.search(text, max(0, hit.start() - 3), hit.start()):
            spans.append((hit.start(), hit.end()))
    spans.extend(_acronym_spans(text))
    spans.extend((hit.start(), hit.end()) for hit in _HYPHENATED_NAME.finditer(text))
    for pattern in (_QUOTED_NAME, _CAPITAL_NAME):
        spans.extend((hit.start("name"), hit.end("name")) for hit in pattern.finditer(text))
    for pattern in (_DEPARTMENT, _PORTFOLIO):
        spans.extend((hit.start(), hit.end()) for hit in pattern.finditer(text))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def inside(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of the sorted, disjoint ``spans`` (``starts``: their starts)."""
    i = bisect.bisect_right(starts, start) - 1
    if i >= 0 and spans[i][1] > start:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < end


def outside(hits: list[ConceptHit], spans: list[tuple[int, int]]) -> list[ConceptHit]:
    """``hits`` that overlap none of ``spans`` (both sorted by start; spans may overlap each other)."""
    if not spans:
        return hits
    ends: list[int] = []  # running maximum end, so one bisect finds any overlap on the left
    for _, end in spans:
        ends.append(max(end, ends[-1]) if ends else end)
    starts = [s for s, _ in spans]
    out = []
    for hit in hits:
        i = bisect.bisect_left(starts, hit.end) - 1  # last span starting before the hit ends
        if i < 0 or ends[i] <= hit.start:
            out.append(hit)
    return out


# --- tokens ------------------------------------------------------------------------------------


@dataclass
class AnalysedText:
    """A text's content tokens (function words dropped) with their keys, and where each token
    is negated or an origin; computed once, shared by the axis and public matchers."""

    text: str
    starts: list[int]
    ends: list[int]
    keys: list[str]
    blocked: list[bool]  # negated, or an origin (rules 3 and 4): a hit starting here does not count
    names: list[tuple[int, int]]
    circumstances: list[tuple[int, int]] = field(default_factory=list)  # rule 6, for axes
    _name_starts: list[int] = field(init=False)
    _circumstance_starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self._name_starts = [s for s, _ in self.names]
        self._circumstance_starts = [s for s, _ in self.circumstances]

    def in_name(self, start: int, end: int) -> bool:
        return inside(self.names, self._name_starts, start, end)

    def in_circumstance(self, start: int, end: int) -> bool:
        return inside(self.circumstances, self._circumstance_starts, start, end)


def _negations(words: list[str], keys: list[str], after_conjunction: list[bool]) -> list[bool]:
    """Per content token: True when a hit starting there is negated or names an origin."""
    count = len(words)
    out = [False] * count
    for i, word in enumerate(words):
        if word in _NEGATE_NEXT and i + 1 < count:
            out[i + 1] = True  # "sans logement", "hors centres pour demandeurs d'asile"
        elif keys[i] in _ORIGIN:
            for j in range(i + 1, min(count, i + 2 + _ORIGIN_GAP)):
                if words[j] in _BARRIER:
                    break
                out[j] = True
        elif word in _NE:
            # "ne … pas": the scope starts after the partner and runs to the end of the clause
            partner = next((j for j in range(i + 1, min(count, i + 5)) if words[j] in _NE_PARTNER), None)
            if partner is None:
                continue
            for j in range(partner + 1, min(count, partner + 1 + _NEGATION_SCOPE)):
                if words[j] in _BARRIER or words[j] in _CLAUSE_END or after_conjunction[j]:
                    break
                out[j] = True
    return out


class ConceptMatcher:
    """Longest-first, leftmost, non-overlapping match of label key sequences over the content
    tokens (a dictionary of key n-grams: one lookup per position and length, no regex per label)."""

    def __init__(
        self,
        labels: dict[str, list[str]],
        keys: LemmaKeys,
        blocked: tuple[str, ...] = BLOCKED,
        *,
        themes: bool = False,
    ):
        """``labels``: local name -> labels; ``themes``: what an action does (axes), which a
        circumstance does not state (rule 6)."""
        self.labels = labels
        self.themes = themes
        self._keys: dict[tuple[str, ...], str | None] = {}
        for concept in sorted(labels):
            for name in labels[concept]:
                words = label_keys(name, keys)
                if words:
                    self._keys.setdefault(words, concept)
        for phrase in blocked:  # None: consumed, no hit
            self._keys.setdefault(label_keys(phrase, keys), None)
        self._generic: set[tuple[str, ...]] = set()
        if themes:
            for word, concept in GENERIC_HEADS.items():
                head = label_keys(word, keys)
                if concept in labels and head not in self._keys:
                    self._keys[head] = concept
                    self._generic.add(head)
        self._longest = max((len(k) for k in self._keys), default=0)

    def find(self, analysed: AnalysedText, start: int = 0, end: int | None = None) -> list[ConceptHit]:
        keys, starts, ends = analysed.keys, analysed.starts, analysed.ends
        out = []
        i, count = 0, len(keys)
        table, longest = self._keys, self._longest
        while i < count:
            for n in range(min(longest, count - i), 0, -1):
                key = tuple(keys[i : i + n]) if n > 1 else (keys[i],)
                if key in table:
                    concept = table[key]
                    o_start, o_end = starts[i], ends[i + n - 1]
                    if (
                        concept is not None
                        and o_start >= start
                        and (end is None or o_end <= end)
                        and not analysed.blocked[i]
                        and not analysed.in_name(o_start, o_end)
                        and not (self.themes and analysed.in_circumstance(o_start, o_end))
                    ):
                        out.append(ConceptHit(concept, o_start, o_end, key in self._generic))
                    i += n
                    break
            else:
                i += 1
        return self._resolve_generic(out, analysed.text) if self._generic else out

    def _resolve_generic(self, hits: list[ConceptHit], text: str) -> list[ConceptHit]:
        """Each generic head's concept, from what its context says (see the module's docstring)."""
        out: list[ConceptHit] = []
        for i, hit in enumerate(hits):
            if not hit.generic:
                out.append(hit)
                continue
            following = hits[i + 1] if i + 1 < len(hits) else None
            if following and _QUALIFIES.match(text[hit.end : following.start]):
                continue  # "formation en FLE": the qualifying concept is its own hit
            said = _PROFESSIONALS_TRAINED.search(text, hit.end, _sentence_end(text, hit.start))
            if (
                TRAINING_OF_PROFESSIONALS in self.labels
                and said
                and not _ANOTHER_ITEM.search(text, hit.end, said.start())
            ):
                out.append(ConceptHit(TRAINING_OF_PROFESSIONALS, hit.start, hit.end))
                continue
            # only the paragraph's earlier hits: a document-wide scan per head would be quadratic
            paragraph_start = text.rfind("\n\n", 0, hit.start)
            in_paragraph = hits[bisect.bisect_right(hits, paragraph_start, hi=i, key=lambda h: h.start) : i]
            head = _first_word(text, hit)
            if _REFERS_BACK.search(text, max(0, hit.start - 8), hit.start) and any(
                not earlier.generic
                and earlier.concept != hit.concept
                and _first_word(text, earlier) == head  # "formation linguistique" after "la formation"
                for earlier in in_paragraph
            ):
                continue  # "La formation touche 10 BPI", after "La formation linguistique ALIOS"
            out.append(hit)
        return out


def _content(text: str, keys: LemmaKeys) -> tuple[list[int], list[int], list[str], list[str], list[bool]]:
    """(starts, ends, lower-cased words, keys, after "et"/"ou") of the tokens of ``text`` that are
    not function words."""
    starts: list[int] = []
    ends: list[int] = []
    words: list[str] = []
    out: list[str] = []
    after: list[bool] = []
    lower = text.lower()
    if len(lower) != len(text):  # a few characters lower to two ("İ"): keep offsets exact
        lower = "".join(c.lower()[:1] or c for c in text)
    cache, key = keys.cache, keys.key
    conjunction = False
    for hit in _TOKEN.finditer(lower):
        word = hit.group()
        if word in _FUNCTION:
            conjunction = conjunction or word in _CONJUNCTION
            continue
        starts.append(hit.start())
        ends.append(hit.end())
        words.append(word)
        after.append(conjunction)
        conjunction = False
        # the word as printed: an unaccented capital ("Etrangère") is read as the accented word
        printed = text[hit.start() : hit.end()] if len(lower) == len(text) else word
        out.append(word if word in _BARRIER else (cache.get(printed) or key(printed)))
    return starts, ends, words, out, after


def label_keys(label: str, keys: LemmaKeys) -> tuple[str, ...]:
    return tuple(_content(label, keys)[3])


@dataclass(frozen=True)
class Concepts:
    axes: ConceptMatcher
    publics: ConceptMatcher
    keys: LemmaKeys
    broader_axis: dict[str, str] = field(default_factory=dict)  # axis -> its skos:broader axis

    def analyse(self, text: str) -> AnalysedText:
        starts, ends, words, keys, after_conjunction = _content(text, self.keys)
        return AnalysedText(
            text,
            starts,
            ends,
            keys,
            _negations(words, keys, after_conjunction),
            name_spans(text),
            circumstance_spans(text),
        )

    @classmethod
    def load(cls, path: Path, keys: LemmaKeys | None = None) -> Concepts:
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
        broader: dict[str, str] = {}
        concept_type = URIRef(SKOS + "Concept")
        for concept in graph.subjects(RDF.type, concept_type):
            iri = str(concept)
            target = axes if iri.startswith(AXIS_NS) else publics if iri.startswith(PUBLIC_NS) else None
            if target is None:
                continue
            local = iri.rsplit("/", 1)[1]
            names = target.setdefault(local, [])
            for parent in graph.objects(concept, URIRef(SKOS + "broader")):
                if target is axes and str(parent).startswith(AXIS_NS):
                    broader[local] = str(parent).rsplit("/", 1)[1]
            for predicate in (URIRef(SKOS + "prefLabel"), URIRef(SKOS + "altLabel"), URIRef(SKOS + "hiddenLabel")):
                for label in graph.objects(concept, predicate):
                    if getattr(label, "language", None) in (None, "fr"):
                        names.append(str(label))
        if not axes:
            raise InputError(path, f"no skos:Concept in the axis namespace <{AXIS_NS}>")
        keys = keys or LemmaKeys()
        return cls(ConceptMatcher(axes, keys, themes=True), ConceptMatcher(publics, keys), keys, broader)
