"""What the registry lacks, as proposals a curator reviews: ``ctair curate`` and ``ctair curate accept``.

``collect`` reads documents with the registry as it is (the loaders never stop on an unknown
territory here, unlike the build) and gathers, each with its sentence, file and line:

* **territories** a report section or an article zoom names that the registry does not know,
  with what the official gazetteer (:mod:`ctair.loaders.gazetteer`) says of the name: the commune
  (INSEE code, SIREN, département) or the EPCI (SIREN, member communes);
* **organisations** the rules and NER report as unresolved, with the NER label, a suggested kind
  and the registry names close to it (a possible alias, or a local member of a known network);
* **duplicates**: registry entries whose names are close enough to be the same organisation.

``write_proposals`` writes them as TOML stanzas, each with ``decision = "pending"``; stanzas the
curator already has in the file are kept as edited, and new ones are added. ``accept`` moves the
stanzas whose decision the curator set to ``"accept"`` into ``territories.toml`` /
``organisations.toml``, and those set to ``"not-organisation"`` into ``not_organisations.toml``
(so they are not proposed again); it checks the registry still loads with them first, and prints
every stanza it moves. Nothing is accepted that the curator did not mark.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from pydantic import ValidationError

from ctair.text import fold

from .concepts import Concepts
from .corpus import CorpusDocument, read_toml
from .errors import InputError
from .folding import FoldedText
from .gazetteer import PACKAGE as GAZETTEER_PACKAGE
from .gazetteer import PLACES_PACKAGE, PLACES_SOURCE, Commune, Gazetteer
from .gazetteer import SOURCE as GAZETTEER_SOURCE
from .kinds import loader_for
from .records import UNKNOWN_TERRITORY, DocumentRecords
from .registry import Organisation, Registry, Territory

PENDING, ACCEPT, NOT_ORGANISATION, REJECT = "pending", "accept", "not-organisation", "reject"
DECISIONS = (PENDING, ACCEPT, NOT_ORGANISATION, REJECT)
# fields of a proposal stanza that say why it is proposed; dropped when the stanza is accepted
CONTEXT_FIELDS = ("decision", "found_in", "sentence", "ner_label", "similar", "gazetteer", "members", "occurrences")
_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-ZÀ-Þ][A-ZÀ-Þ0-9&\-]{1,})\s*\)")
_ZOOM_DEPARTMENT = re.compile(r"\((?P<department>\d{2,3}|2A|2B)\)\s*$")

# words that say what kind of body a name is; the first that matches wins (a suggestion only)
_KIND_WORDS = (
    (
        "collectivity",
        r"\b(?:ville|mairie|commune|metropole|departement|conseil departemental|conseil regional"
        r"|region|ccas|communaute)\b",
    ),
    (
        "public-body",
        r"\b(?:prefecture|direction|agence|office|caisse|caf|cpam|pole emploi|france travail"
        r"|mission locale|ofii|ars|ddets|dreets|ministere|tribunal|hopital|chu)\b",
    ),
    ("research-body", r"\b(?:universite|institut|cnrs|laboratoire|ecole)\b"),
    ("company", r"\b(?:sa|sas|sarl|societe|groupe|entreprise|cabinet)\b"),
    (
        "association",
        r"\b(?:association|federation|collectif|comite|ligue|secours|fondation|maison|centre social|toit)\b",
    ),
)


# A TOML table as written to (and read from) the proposals and registry files: heterogeneous values.
Stanza = dict[str, Any]


class Duplicate(TypedDict):
    ids: list[str]
    why: str


@dataclass
class Proposal:
    table: str  # territories | organisations | duplicates
    key: str  # folded name: one proposal per name
    stanza: Stanza


@dataclass
class Proposals:
    items: list[Proposal] = field(default_factory=list)

    def of(self, table: str) -> list[Proposal]:
        return [p for p in self.items if p.table == table]


def slug(name: str) -> str:
    return fold(name).replace(" ", "-") or "unnamed"


def _line(document: CorpusDocument, position: int) -> int:
    return document.text.count("\n", 0, position) + 1


def _where(document: CorpusDocument, position: int) -> str:
    return f"{document.path}:{_line(document, position)}"


def suggest_kind(name: str, before: str = "") -> str:
    folded = fold(name)
    if re.search(r"\bassociation\s*[\"«]?\s*$", before, re.I):
        return "association"
    for kind, words in _KIND_WORDS:
        if re.search(words, folded):
            return kind
    return "association"  # most operators the documents name are associations; the curator checks


def similar_names(registry: Registry, name: str, limit: int = 3) -> list[tuple[str, str]]:
    """(organisation id, why) of registry organisations whose names are close to ``name``: the same
    words (a possible alias), or a network's name followed by a place or number (a local member)."""
    folded = fold(name)
    out: dict[str, str] = {}
    names = {fold(a.text): o.id for o in registry.organisations.values() for a in o.all_aliases()}
    for known, organisation_id in sorted(names.items(), key=lambda kv: -len(kv[0])):
        organisation = registry.organisations[organisation_id]
        if folded.startswith(known + " ") and len(known) >= 3:
            network = organisation_id if organisation.kind == "network" else organisation.member_of
            if network:
                out.setdefault(network, f"a local member of the network {registry.organisations[network].name!r}?")
            else:
                out.setdefault(organisation_id, f"{organisation.name!r} with more words: the same or a part of it?")
    for known in difflib.get_close_matches(folded, list(names), n=limit, cutoff=0.75):
        organisation = registry.organisations[names[known]]
        out.setdefault(organisation.id, f"close spelling of {organisation.name!r}: a possible alias")
    return list(out.items())[:limit]


def _territory_stanza(name: str, department: str | None, gazetteer: Gazetteer | None) -> Stanza:
    stanza: Stanza = {"id": slug(name), "label": name, "kind": "city"}
    if department:
        stanza["department"] = department
    if gazetteer is None:
        stanza["note"] = "the gazetteer is not installed (make install): INSEE code, department and kind unchecked"
        return stanza
    communes = gazetteer.communes_named(name, department)
    epcis = gazetteer.epcis_named(name, department)
    if communes and (len(communes) == 1 or department):
        commune = max(communes, key=lambda c: c.population or 0)
        stanza.update(insee=commune.insee, department=commune.department)
        metropole = gazetteer.epci_of(commune.insee, metropole_only=True)
        facts = (
            f"commune {commune.insee} {commune.name}, {gazetteer.departments.get(commune.department, '')} "
            f"({commune.department}), SIREN {commune.siren}"
        )
        if metropole:
            facts += (
                f"; member of {metropole.name} (SIREN {metropole.siren}): if the contract is the métropole's, "
                f'set kind = "metropole", siren = "{metropole.siren}" and add its name to alt_labels'
            )
            stanza["alt_labels"] = []
        stanza["gazetteer"] = facts
        _place(stanza, gazetteer, commune)
    elif epcis:
        epci = epcis[0]
        members = [gazetteer.communes[m] for m in epci.members if m in gazetteer.communes]
        departments = sorted({m.department for m in members})
        stanza.update(id=slug(name), kind="metropole" if epci.is_metropole else "intercommunality", siren=epci.siren)
        if len(departments) == 1:
            stanza["department"] = departments[0]
        if fold(epci.name) != fold(name):
            stanza["alt_labels"] = [epci.name]
        stanza["gazetteer"] = f"EPCI {epci.type} {epci.name}, SIREN {epci.siren}, {len(members)} member communes"
        stanza["members"] = [f"{m.insee} {m.name}" for m in members]
        if len(epcis) > 1:
            stanza["gazetteer"] += "; other EPCI with this name: " + ", ".join(
                f"{e.name} ({e.siren})" for e in epcis[1:]
            )
        if members:  # an intercommunality is no point: its most populous commune stands for it on a map
            main = max(members, key=lambda c: c.population or 0)
            if _place(stanza, gazetteer, main):
                stanza["gazetteer"] += f"; lat/long are those of its most populous commune, {main.insee} {main.name}"
    elif communes:
        stanza["gazetteer"] = "several communes with this name: " + ", ".join(
            f"{c.insee} ({c.department})" for c in communes
        )
    else:
        stanza["gazetteer"] = "no commune or EPCI of this name in the gazetteer: check the spelling"
    stanza["note"] = (
        f"proposed by ctair curate from the official gazetteer ({GAZETTEER_SOURCE}, INSEE COG and BANATIC) "
        f"and GeoNames' places ({PLACES_SOURCE}, coordinates); Wikidata id not given: neither source has "
        "one — add it only from a source you name here"
    )
    return stanza


def _place(stanza: dict[str, Any], gazetteer: Gazetteer, commune: Commune) -> bool:
    """Add GeoNames' coordinates of ``commune`` to ``stanza``, citing them; False when GeoNames has none."""
    place = gazetteer.place_of(commune)
    if place is None:
        return False
    stanza.update(lat=place.lat, long=place.long, coordinates_source=PLACES_PACKAGE)
    stanza["gazetteer"] = stanza.get("gazetteer", "") + f"; GeoNames places {commune.name} at {place.lat}, {place.long}"
    return True


def _organisation_stanza(
    registry: Registry, gazetteer: Gazetteer | None, surface: str, before: str, territory: str | None
) -> Stanza:
    kind = suggest_kind(surface, before)
    stanza: Stanza = {"id": slug(surface), "name": surface, "kind": kind, "aliases": []}
    close = similar_names(registry, surface)
    if close:
        stanza["similar"] = [f"{organisation_id}: {why}" for organisation_id, why in close]
        network = next((i for i, why in close if why.startswith("a local member")), None)
        if network and territory:
            stanza.update(member_of=network, territory=territory)
    notes = [_PLACEHOLDER]
    if kind == "collectivity" and gazetteer is not None:  # a collectivity's SIREN is in the gazetteer
        place = re.sub(r"^(?:ville|mairie|commune)\s+(?:de\s+|d\s+)?", "", fold(surface))
        communes = gazetteer.communes_named(place) if place != fold(surface) else []
        epcis = gazetteer.epcis_named(surface)
        if len(communes) == 1 and communes[0].siren:
            stanza["siren"] = communes[0].siren
            stanza["identifier_source"] = GAZETTEER_PACKAGE
            notes.append(f"SIREN of the commune {communes[0].insee} {communes[0].name} from {GAZETTEER_SOURCE}")
        elif len(epcis) == 1:
            stanza["siren"] = epcis[0].siren
            stanza["identifier_source"] = GAZETTEER_PACKAGE
            notes.append(f"SIREN of the EPCI {epcis[0].name} from {GAZETTEER_SOURCE}")
    stanza["note"] = "; ".join(notes)
    return stanza


def collect(
    documents: list[CorpusDocument],
    registry: Registry,
    gazetteer: Gazetteer | None,
    *,
    concepts: Concepts,
    ner: bool = True,
) -> Proposals:
    proposals = Proposals()
    seen: dict[tuple[str, str], Proposal] = {}
    acronyms: dict[str, tuple[str, str]] = {}  # folded acronym -> the key of the name it abbreviates
    for document in documents:
        records = loader_for(document)(document, registry, concepts=concepts, ner=ner)
        for u in records.unresolved:
            start = u.mention.span.start
            sentence = " ".join(u.mention.text.split())
            if u.ner_label == UNKNOWN_TERRITORY:
                heading = document.text[start : u.mention.span.end]
                hit = _ZOOM_DEPARTMENT.search(heading)
                key = ("territories", fold(u.surface))
                if key not in seen:
                    stanza = {
                        "decision": PENDING,
                        **_territory_stanza(u.surface, hit.group("department") if hit else None, gazetteer),
                        "found_in": _where(document, start),
                        "sentence": sentence,
                    }
                    seen[key] = Proposal("territories", key[1], stanza)
                    proposals.items.append(seen[key])
                continue
            if gazetteer is not None and (gazetteer.communes_named(u.surface) or gazetteer.epcis_named(u.surface)):
                continue  # a place name: a territory mention, not an organisation
            key = ("organisations", fold(u.surface))
            acronym = (
                _ACRONYM_AFTER.match(
                    document.text, u.mention.span.start + u.mention.text.find(u.surface) + len(u.surface)
                )
                if u.surface in u.mention.text
                else None
            )
            if acronym:  # "Association nationale … (ANVITA)": the acronym is an alias, not another organisation
                acronyms[fold(acronym.group(1))] = key
            if key[1] in acronyms and acronyms[key[1]] in seen and acronyms[key[1]] != key:
                aliases = seen[acronyms[key[1]]].stanza["aliases"]
                if u.surface not in aliases:
                    aliases.append(u.surface)
                continue
            if key in seen:
                seen[key].stanza.setdefault("occurrences", []).append(_where(document, start))
                continue
            # the original text just before the name, for the cue words ("l'association …")
            stanza = {
                "decision": PENDING,
                **_organisation_stanza(
                    registry, gazetteer, u.surface, document.text[max(0, start - 400) : start][-40:], u.territory
                ),
            }
            stanza.update(found_in=_where(document, start), sentence=sentence, ner_label=u.ner_label or "rule")
            seen[key] = Proposal("organisations", key[1], stanza)
            proposals.items.append(seen[key])
        for proposal in _local_members(document, registry, records):
            if ("organisations", proposal.key) not in seen:
                seen[("organisations", proposal.key)] = proposal
                proposals.items.append(proposal)
    for duplicate in duplicates(registry):
        proposals.items.append(Proposal("duplicates", duplicate["ids"][0] + " " + duplicate["ids"][1], dict(duplicate)))
    return proposals


_PLACEHOLDER = "TO CHECK: the name, kind and any identifier against a public source, cited here"
_SMALL_WORDS = frozenset(["de", "la", "le", "les", "du", "des", "d", "l", "et", "en", "a", "au", "aux", "pour"])


_LOCAL_TAIL = re.compile(
    r"\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’])[A-ZÀ-Þ][\w'’\-]+(?:[\s\-][A-ZÀ-Þ][\w'’\-]+)*|\s+\d{2,3}\b"
)


def _local_members(document: CorpusDocument, registry: Registry, records: DocumentRecords) -> list[Proposal]:
    """A network's name in a territory where the registry has none of its members ("la Mission locale
    de Grenoble" read as the network "Mission locale"): the local legal entity is missing. Proposed
    with ``member_of``, ``territory`` and the spelling as an alias scoped to the territory."""

    out: list[Proposal] = []
    members = {(o.member_of, o.territory) for o in registry.organisations.values() if o.member_of}
    # where each territory's text is: its contract's and actions' spans, as the loader read them
    spans = [(c.mention.span.start, c.mention.span.end, c.territory) for c in records.contracts] + [
        (a.mention.span.start, a.mention.span.end, a.territory) for a in records.actions
    ]
    for match in registry.find_organisations(FoldedText(document.text)):
        network = registry.organisations.get(match.id)
        territory = next((t for s, e, t in spans if s <= match.start < e), None)
        if network is None or network.kind != "network" or territory is None or (network.id, territory) in members:
            continue
        tail = _LOCAL_TAIL.match(document.text, match.end)
        local = " ".join((match.surface + (tail.group(0) if tail else "")).split())
        if fold(local) == fold(match.surface):
            local = f"{match.surface} ({registry.territories[territory].label})"
        line_start = document.text.rfind("\n", 0, match.start) + 1
        line_end = document.text.find("\n", match.end)
        stanza = {
            "decision": PENDING,
            "id": f"{network.id}-{territory}",
            "name": local,
            "kind": next((o.kind for o in registry.organisations.values() if o.member_of == network.id), "association"),
            "member_of": network.id,
            "territory": territory,
            "aliases": [{"text": match.surface, "territories": [territory]}],
            "note": _PLACEHOLDER,
            "similar": [
                f"{network.id}: {match.surface!r} names the network {network.name!r} here; "
                f"its local member in {registry.territories[territory].label} is not in the registry"
            ],
            "found_in": _where(document, match.start),
            "sentence": " ".join(document.text[line_start : line_end if line_end >= 0 else None].split())[:400],
            "ner_label": "network",
        }
        out.append(Proposal("organisations", f"{network.id} {territory}", stanza))
    return out


def duplicates(registry: Registry, cutoff: float = 0.9) -> list[Duplicate]:
    """Pairs of registry organisations with (nearly) the same name that are not declared related
    (a network and its member, a body and its department, two members of one network)."""
    # compared without their small words: "CAF de la Côte-d'Or" and "CPAM de la Côte-d'Or" share them
    entries = [
        (o, " ".join(w for w in fold(a.text).split() if w not in _SMALL_WORDS))
        for o in registry.organisations.values()
        for a in o.all_aliases()
        if not a.territories
    ]
    out: dict[tuple[str, str], Duplicate] = {}
    for i, (one, a) in enumerate(entries):
        for other, b in entries[i + 1 :]:
            if one.id == other.id or (min(one.id, other.id), max(one.id, other.id)) in out:
                continue
            related = {one.member_of, one.sub_organisation_of, one.id} & {
                other.member_of,
                other.sub_organisation_of,
                other.id,
            } - {None}
            if related:
                continue
            matcher = difflib.SequenceMatcher(None, a, b)
            if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff:
                pair = (min(one.id, other.id), max(one.id, other.id))
                out[pair] = Duplicate(
                    ids=list(pair),
                    why=f"{a!r} and {b!r} are {matcher.ratio():.0%} alike: merge them, "
                    "or make one an alias, member or department of the other",
                )
    for territory in registry.territories.values():
        for other_territory in registry.territories.values():
            if territory.id < other_territory.id and territory.insee and territory.insee == other_territory.insee:
                out[(territory.id, other_territory.id)] = Duplicate(
                    ids=[territory.id, other_territory.id], why=f"both have INSEE code {territory.insee}"
                )
    return list(out.values())


# ---------------------------------------------------------------------- the proposals file
_HEADER = """\
# Proposals of `ctair curate`: what the registry lacks, found in the documents.
# Review each stanza: check it against a public source, edit its fields, then set its decision:
#   decision = "accept"            move it into the registry (territories.toml / organisations.toml)
#   decision = "not-organisation"  record the name in not_organisations.toml: never proposed again
#   decision = "reject"            keep it here, never moved (a wrong proposal)
# and run `ctair curate accept`. Stanzas left "pending" stay here. The fields found_in, sentence,
# ner_label, similar, gazetteer, members and occurrences say why a stanza is proposed and are
# dropped on acceptance; the others are the registry entry (see the header of the registry files).
# Stanzas already in this file are kept as you edited them when `ctair curate` runs again.
"""


def _value(value: object) -> str:
    """A TOML value: JSON's string escapes are TOML's basic-string escapes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")


def stanza_text(table: str, stanza: Stanza) -> str:
    return f"[[{table}]]\n" + "".join(f"{key} = {_value(value)}\n" for key, value in stanza.items())


def render(tables: dict[str, list[Stanza]]) -> str:
    parts = [_HEADER]
    for table in ("territories", "organisations", "duplicates"):
        for stanza in tables.get(table, []):
            parts.append("\n" + stanza_text(table, stanza))
    text = "".join(parts)
    tomllib.loads(text)  # what we write must read back
    return text


def read_proposals(path: Path) -> dict[str, list[Stanza]]:
    if not path.is_file():
        return {}
    data, raw = read_toml(path)
    for table in ("territories", "organisations"):
        for index, stanza in enumerate(data.get(table, [])):
            if stanza.get("decision", PENDING) not in DECISIONS:
                raise InputError(
                    path,
                    f"[[{table}]] {stanza.get('id')!r}: decision must be one of {', '.join(DECISIONS)}, "
                    f"not {stanza.get('decision')!r}",
                    _stanza_line(raw, table, index),
                )
    return data


def _stanza_line(raw: str, table: str, index: int) -> int | None:
    headers = [n for n, line in enumerate(raw.splitlines(), 1) if line.strip() == f"[[{table}]]"]
    return headers[index] if index < len(headers) else None


def write_proposals(path: Path, proposals: Proposals) -> tuple[int, int]:
    """Merge ``proposals`` into the file at ``path``: the curator's stanzas stay as they are, new
    names are added, duplicates are recomputed. Returns (new stanzas, stanzas kept)."""
    existing = read_proposals(path)
    tables: dict[str, list[Stanza]] = {t: list(existing.get(t, [])) for t in ("territories", "organisations")}
    known = {(t, fold(s.get("label") or s.get("name") or "")) for t in tables for s in tables[t]}
    known |= {(t, fold(s.get("id", ""))) for t in tables for s in tables[t]}
    added = 0
    for proposal in proposals.items:
        if proposal.table == "duplicates":
            continue
        if (proposal.table, proposal.key) in known or (proposal.table, fold(proposal.stanza["id"])) in known:
            continue
        tables[proposal.table].append(proposal.stanza)
        added += 1
    tables["duplicates"] = [p.stanza for p in proposals.of("duplicates")]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(tables), encoding="utf-8")
    return added, sum(len(v) for k, v in existing.items() if k != "duplicates")


# ---------------------------------------------------------------------- accept
@dataclass
class Accepted:
    territories: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    not_organisations: list[str] = field(default_factory=list)


def _entry(stanza: Stanza) -> Stanza:
    return {k: v for k, v in stanza.items() if k not in CONTEXT_FIELDS}


def accept(proposals_path: Path, curation_dir: Path, *extra: Path) -> Accepted:
    """Move the stanzas marked ``accept`` / ``not-organisation`` into the registry files of
    ``curation_dir``. The registry (with ``extra`` directories, as the build loads it) must load
    with them, else nothing is written and the error names the proposals file and stanza line."""
    proposals_path, curation_dir = Path(proposals_path), Path(curation_dir)
    data = read_proposals(proposals_path)
    raw = proposals_path.read_text(encoding="utf-8") if proposals_path.is_file() else ""
    moves: dict[str, list[str]] = {"territories.toml": [], "organisations.toml": [], "not_organisations.toml": []}
    done = Accepted()
    keep: dict[str, list[Stanza]] = {"territories": [], "organisations": []}
    for table, model, target in (
        ("territories", Territory, "territories.toml"),
        ("organisations", Organisation, "organisations.toml"),
    ):
        for index, stanza in enumerate(data.get(table, [])):
            decision = stanza.get("decision", PENDING)
            line = _stanza_line(raw, table, index)
            if decision == ACCEPT:
                entry = _entry(stanza)
                if table == "organisations" and _PLACEHOLDER in str(entry.get("note", "")):
                    # the curator's edit is what makes a proposal curated knowledge: a source they checked
                    raise InputError(
                        proposals_path,
                        f"[[organisations]] {stanza.get('id')!r}: write in `note` the public source "
                        "you checked the organisation against (and replace the proposal's placeholder) "
                        "before accepting it",
                        line,
                    )
                try:
                    model.model_validate(entry)
                except ValidationError as error:
                    first = error.errors()[0]
                    raise InputError(
                        proposals_path,
                        f"[[{table}]] {stanza.get('id')!r}: {'.'.join(map(str, first['loc']))}: {first['msg']}",
                        line,
                    ) from error
                moves[target].append(stanza_text(table, entry))
                (done.territories if table == "territories" else done.organisations).append(entry["id"])
            elif decision == NOT_ORGANISATION:
                if table != "organisations":
                    raise InputError(
                        proposals_path,
                        f"[[{table}]] {stanza.get('id')!r}: only an organisation proposal can be 'not-organisation'",
                        line,
                    )
                name = stanza.get("name", "")
                why = f"decided by the curator on a ctair curate proposal ({stanza.get('found_in', 'no location')})"
                moves["not_organisations.toml"].append(stanza_text("names", {"text": name, "why": why}))
                done.not_organisations.append(name)
            else:
                keep[table].append(stanza)
    if not any(moves.values()):
        return done
    # try the registry with the moved stanzas before touching the real files
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch) / "curation"
        shutil.copytree(curation_dir, trial, ignore=shutil.ignore_patterns("expectations", "*.bak"))
        _append(trial, moves)
        try:
            Registry.load(trial, *extra)
        except InputError as error:
            raise InputError(
                proposals_path,
                f"accepting these stanzas would break the registry: {error.reason} "
                f"(in {error.path.name}{f' line {error.line}' if error.line else ''} once appended)",
            ) from error
    _append(curation_dir, moves)
    proposals_path.write_text(render({**keep, "duplicates": data.get("duplicates", [])}), encoding="utf-8")
    return done


def _append(directory: Path, moves: dict[str, list[str]]) -> None:
    for name, stanzas in moves.items():
        if not stanzas:
            continue
        path = directory / name
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if text and not text.endswith("\n"):
            text += "\n"
        path.write_text(text + "".join("\n" + s for s in stanzas), encoding="utf-8")
