"""The curated registry of territories and organisations, and the name matcher built on it.

``Registry.load(directory)`` reads ``territories.toml``, ``organisations.toml`` and
``not_organisations.toml`` (all in ``corpus/curation/``), validates them and reports any problem as
an :class:`InputError` naming the file and line. Matching is done on the folded text
(:mod:`ctair.loaders.folding`): the longest folded alias starting at each word, leftmost first, on
word boundaries; an alias's guards (case, context, territory scope) are data in the registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ctair.text import fold

from .corpus import read_toml, validation_error
from .errors import InputError, line_of
from .folding import FoldedText

ModelT = TypeVar("ModelT", bound=BaseModel)

SLUG = r"^[a-z0-9][a-z0-9-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# plain strings (not Enums) so that consumers can use them as dict keys and literals directly
OrganisationKind = Literal["association", "public-body", "company", "collectivity", "research-body", "network"]
TerritoryKind = Literal["city", "metropole", "intercommunality"]


class Alias(_Model):
    text: str = Field(min_length=1)
    case_sensitive: bool = False
    before: str | None = None  # regex the original text just before the name must end with
    after: str | None = None  # regex the original text just after the name must start with
    territories: tuple[str, ...] = ()  # empty: anywhere

    @field_validator("before", "after")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as error:
                raise ValueError(f"not a valid regular expression: {error}") from error
        return value


class _Named(_Model):
    """An entry found in text by its name and aliases. ``aliases`` are the plain spellings (for
    display / skos:altLabel); ``alias_rules`` the same aliases with their guards, as written in the
    TOML file (strings or tables)."""

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    alias_rules: tuple[Alias, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _split_aliases(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and "aliases" in data
            and "alias_rules" not in data
            and isinstance(data["aliases"], list)
        ):
            rules = [{"text": a} if isinstance(a, str) else a for a in data["aliases"]]
            texts = [r.get("text") if isinstance(r, dict) else r for r in rules]
            data = {**data, "aliases": [t for t in texts if isinstance(t, str)], "alias_rules": rules}
        return data

    def all_aliases(self) -> tuple[Alias, ...]:
        """The alias rules plus the canonical name (unless an alias already spells it)."""
        if any(fold(a.text) == fold(self.name) for a in self.alias_rules):
            return self.alias_rules
        return (Alias(text=self.name), *self.alias_rules)


class Organisation(_Named):
    kind: OrganisationKind
    wikidata: str | None = Field(default=None, pattern=r"^Q[1-9][0-9]*$")
    siren: str | None = Field(default=None, pattern=r"^[0-9]{9}$")
    rna: str | None = Field(default=None, pattern=r"^W[0-9A-Z]{9}$")
    note: str | None = None
    # where the identifiers (wikidata, siren, rna) were read: a public page, registry extract or dataset
    identifier_source: str | None = Field(default=None, pattern=r"^https?://")
    # A local legal entity of a network (a departmental CAF, a Soliha association, a Mission locale):
    # its own node, linked to the network with org:memberOf; the network is an entry of kind "network".
    member_of: str | None = Field(default=None, pattern=SLUG)
    # A service of a body (a city department): linked with org:subOrganizationOf.
    sub_organisation_of: str | None = Field(default=None, pattern=SLUG)
    territory: str | None = Field(default=None, pattern=SLUG)  # where a local entity acts

    @model_validator(mode="after")
    def _identifiers_cite_a_source(self) -> Organisation:
        if (self.wikidata or self.siren or self.rna) and not self.identifier_source:
            raise ValueError(
                "an identifier (wikidata, siren, rna) needs `identifier_source`: the public source it was read in"
            )
        return self

    @property
    def alt_labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a for a in self.aliases if a != self.name))

    def all_aliases(self) -> tuple[Alias, ...]:
        """Also, for a prefecture, its prefect's title: "le préfet de l'Isère a signé le contrat" is
        the Préfecture de l'Isère signing (the prefect acts for it)."""
        aliases = super().all_aliases()
        prefecture = _PREFECTURE.match(self.name)
        if prefecture is None:
            return aliases
        known = {fold(a.text) for a in aliases}
        titles = (f"{title}{self.name[prefecture.end() :]}" for title in ("préfet", "préfète"))
        return aliases + tuple(Alias(text=t) for t in titles if fold(t) not in known)


_PREFECTURE = re.compile(r"^Préfecture(?=\s+(?:de|du|des)\b)", re.I)


class Territory(_Model):
    id: str = Field(pattern=SLUG)
    label: str = Field(min_length=1)
    alt_labels: tuple[str, ...] = ()
    kind: TerritoryKind
    insee: str | None = Field(default=None, pattern=r"^[0-9][0-9AB][0-9]{3}$")
    siren: str | None = Field(default=None, pattern=r"^[0-9]{9}$")
    department: str | None = Field(default=None, pattern=r"^(?:[0-9]{2,3}|2A|2B)$")
    lat: float | None = Field(default=None, ge=-90, le=90)
    long: float | None = Field(default=None, ge=-180, le=180)
    coordinates_source: str | None = Field(default=None, pattern=r"^https?://")  # where lat/long were read
    wikidata: str | None = Field(default=None, pattern=r"^Q[1-9][0-9]*$")
    note: str | None = None

    @model_validator(mode="after")
    def _coordinates_cite_their_source(self) -> Territory:
        if (self.lat is None) != (self.long is None):
            raise ValueError("give both `lat` and `long`, or neither")
        if self.lat is not None and not self.coordinates_source:
            raise ValueError("coordinates need `coordinates_source`: the public source they were read in")
        return self


class ProgrammeOperator(_Model):
    """Who runs a programme, from a public source (curated): never from a document that does not say it."""

    organisation: str = Field(pattern=SLUG)
    source: str = Field(pattern=r"^https?://")
    quote: str | None = None  # the words of the source, where short


class Programme(_Named):
    """A programme or scheme (ACCELAIR, Volont'R, INSAIR 38…): named by actions, not an organisation."""

    scope: Literal["national", "local"] = "local"
    operators: tuple[ProgrammeOperator, ...] = ()
    url: str | None = Field(default=None, pattern=r"^https?://")
    note: str | None = None


class _ProgrammesFile(_Model):
    programmes: tuple[Programme, ...] = ()


class NotOrganisation(_Model):
    text: str = Field(min_length=1)
    why: str = Field(min_length=3)


class _OrganisationsFile(_Model):
    organisations: tuple[Organisation, ...]


class _TerritoriesFile(_Model):
    territories: tuple[Territory, ...]


class _StoplistFile(_Model):
    names: tuple[NotOrganisation, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """A registry name found in a text: ``text[start:end]`` is the spelling used."""

    id: str
    start: int
    end: int
    surface: str


@lru_cache(maxsize=8)
def _id_lines(raw: str) -> dict[str, int]:
    ids: dict[str, int] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        hit = re.match(r'\s*id\s*=\s*["\']([^"\']+)["\']', line)
        if hit:
            ids.setdefault(hit.group(1), number)
    return ids


def _entry_line(raw: str, table: str, index: int, entry_id: str | None = None) -> int | None:
    """Line of an entry: its ``id = "…"`` line, else the index-th ``[[table]]`` header."""
    if entry_id is not None and entry_id in _id_lines(raw):
        return _id_lines(raw)[entry_id]
    headers = [n for n, line in enumerate(raw.splitlines(), start=1) if line.strip() == f"[[{table}]]"]
    return headers[index] if index < len(headers) else None


def _validate(path: Path, raw: str, data: dict[str, Any], model: type[ModelT], table: str) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = first["loc"]
        line = None
        if len(location) >= 2 and location[0] == table and isinstance(location[1], int):
            entries = data.get(table) or []
            entry = (
                entries[location[1]] if location[1] < len(entries) and isinstance(entries[location[1]], dict) else {}
            )
            line = _entry_line(raw, table, location[1], entry.get("id") if isinstance(entry.get("id"), str) else None)
            key = ".".join(str(p) for p in location[2:]) or table
            leaf = str(location[2]) if len(location) > 2 else None
            if leaf and entry:  # prefer the key's own line inside the entry
                start = line or 1
                lines = raw.splitlines()
                for number in range(start, min(len(lines), start + 40) + 1):
                    if re.match(rf"\s*{re.escape(leaf)}\s*=", lines[number - 1]):
                        line = number
                        break
            raise InputError(path, f"entry {location[1] + 1} of [[{table}]]: {key}: {first['msg']}", line) from error
        raise validation_error(path, raw, error) from error


class _NameIndex:
    """The (key, alias) pairs of a set of names, found in folded text; guards checked per hit.

    Folded text is words of ``[0-9a-z]`` separated by single spaces, and so is a folded alias: a
    name on word boundaries is a run of whole words. The aliases are a trie of their words, walked
    from each word in turn: one dict lookup for most words, whatever the number of aliases (a
    regex alternation of thousands of aliases tried them all at every position).
    """

    def __init__(self, entries: Iterable[tuple[str, Alias]]):
        self.by_folded: dict[str, list[tuple[str, Alias]]] = {}
        for key, alias in entries:
            folded = fold(alias.text)
            if folded:
                self.by_folded.setdefault(folded, []).append((key, alias))
        # a territory-scoped alias (a network's local member) is tried before an unscoped one (the network)
        for candidates in self.by_folded.values():
            candidates.sort(key=lambda pair: not pair[1].territories)
        # word -> subtrie; the key None (never a word) holds the folded alias ending there
        self._trie: dict[str | None, Any] = {}
        for folded in self.by_folded:
            node = self._trie
            for word in folded.split(" "):
                node = node.setdefault(word, {})
            node[None] = folded
        self._before = {a.before: re.compile(rf"(?:{a.before})[\s'’\"«»(]*$", re.I) for _, a in self._all() if a.before}
        self._after = {a.after: re.compile(rf"[\s'’\"«»)]*(?:{a.after})", re.I) for _, a in self._all() if a.after}

    def _all(self) -> Iterator[tuple[str, Alias]]:
        for candidates in self.by_folded.values():
            yield from candidates

    def _accepts(self, alias: Alias, text: str, start: int, end: int, territory: str | None) -> bool:
        if alias.territories and territory not in alias.territories:
            return False
        if alias.case_sensitive and text[start:end] != alias.text:
            return False
        if alias.before and not self._before[alias.before].search(text, max(0, start - 60), start):
            return False
        return not (alias.after and not self._after[alias.after].match(text, end, min(len(text), end + 60)))

    def _longest_names(self, folded: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, alias)`` of the longest alias at each word, left to right, not overlapping
        (a name's words are not searched again for a shorter name, even if its guards reject it)."""
        words = folded.split(" ")
        count = len(words)
        position = 0  # offset of words[index] in folded
        index = 0
        while index < count:
            longest: tuple[int, str] | None = None  # (index of its last word, alias)
            reached = index  # the word that led to node
            node = self._trie.get(words[index])
            while node is not None:
                if None in node:
                    longest = (reached, node[None])
                reached += 1
                node = node.get(words[reached]) if reached < count else None
            if longest is None:
                position += len(words[index]) + 1
                index += 1
                continue
            last_word, name = longest
            yield position, position + len(name), name
            position += len(name) + 1
            index = last_word + 1

    def find(
        self,
        folded: FoldedText,
        territory_at: Callable[[int], str | None] | None = None,
        start: int = 0,
        end: int | None = None,
    ) -> list[Match]:
        text = folded.text
        out: list[Match] = []
        # restrict to the folded range covering [start, end) of the original
        for f_start, f_end, name in self._longest_names(folded.folded):
            o_start, o_end = folded.original_span(f_start, f_end)
            if o_start < start or (end is not None and o_end > end):
                continue
            territory = territory_at(o_start) if territory_at else None
            for key, alias in self.by_folded[name]:
                if self._accepts(alias, text, o_start, o_end, territory):
                    out.append(Match(key, o_start, o_end, text[o_start:o_end]))
                    break
        return out


class Registry:
    def __init__(
        self,
        organisations: tuple[Organisation, ...],
        territories: tuple[Territory, ...],
        not_organisations: tuple[NotOrganisation, ...] = (),
        directory: Path | None = None,
        programmes: tuple[Programme, ...] = (),
    ):
        self.organisations = {o.id: o for o in organisations}
        self.programmes = {p.id: p for p in programmes}
        self._programme_index = _NameIndex((p.id, a) for p in programmes for a in p.all_aliases())
        self.territories = {t.id: t for t in territories}
        self.not_organisations = not_organisations
        self.directory = directory
        self._stop = {fold(n.text) for n in not_organisations}
        self._organisation_index = _NameIndex((o.id, a) for o in organisations for a in o.all_aliases())
        self._stop_index = _NameIndex(("-", Alias(text=n.text)) for n in not_organisations)
        self._territory_index = _NameIndex(
            (t.id, Alias(text=label)) for t in territories for label in (t.label, *t.alt_labels)
        )

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, directory: Path, *extra: Path) -> Registry:
        """The registry of ``directory``, extended by the entries of ``extra`` curation directories
        (their files are optional; a document set of its own, such as ``evaluation/unseen``, names
        what the main registry lacks there). Every problem names its file and line."""
        directories = [Path(directory), *map(Path, extra)]
        for name in ("territories.toml", "organisations.toml"):
            if not (directories[0] / name).is_file():
                raise InputError(directories[0] / name, "registry file missing")

        territory_entries = _read_entries(directories, "territories.toml", _TerritoriesFile, "territories")
        territories = tuple(entry for entry, _ in territory_entries)
        seen_labels: dict[str, str] = {}
        for territory, where in territory_entries:
            for label in (territory.label, *territory.alt_labels):
                other = seen_labels.setdefault(fold(label), territory.id)
                if other != territory.id:
                    raise InputError(
                        where.path, f"label {label!r} of {territory.id!r} is already a label of {other!r}", where.line
                    )

        organisation_entries = _read_entries(directories, "organisations.toml", _OrganisationsFile, "organisations")
        organisations = tuple(entry for entry, _ in organisation_entries)
        known_territories = {t.id for t in territories}
        by_id = {o.id: o for o in organisations}
        for organisation, where in organisation_entries:
            for field, must_be_network in (("member_of", True), ("sub_organisation_of", False)):
                target = getattr(organisation, field)
                if target is None:
                    continue
                if target not in by_id:
                    raise InputError(
                        where.path, f"{organisation.id!r}: {field} names unknown organisation {target!r}", where.line
                    )
                if must_be_network and by_id[target].kind != "network":
                    raise InputError(
                        where.path, f"{organisation.id!r}: member_of {target!r} is not of kind 'network'", where.line
                    )
            if organisation.territory is not None and organisation.territory not in known_territories:
                raise InputError(
                    where.path, f"{organisation.id!r}: unknown territory {organisation.territory!r}", where.line
                )

        claims: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for organisation, where in organisation_entries:
            for alias in organisation.all_aliases():
                unknown = set(alias.territories) - known_territories
                if unknown:
                    raise InputError(
                        where.path,
                        f"{organisation.id!r}: alias {alias.text!r} is scoped to unknown territories {sorted(unknown)}",
                        where.line,
                    )
                folded = fold(alias.text)
                if not folded:
                    raise InputError(
                        where.path, f"{organisation.id!r}: alias {alias.text!r} has no letter or digit", where.line
                    )
                scope = frozenset(alias.territories)
                for other_id, other_scope in claims.get(folded, []):
                    if other_id == organisation.id or _network_fallback(
                        organisations, organisation.id, scope, other_id, other_scope
                    ):
                        continue
                    if not scope or not other_scope or scope & other_scope:
                        raise InputError(
                            where.path,
                            f"alias {alias.text!r} of {organisation.id!r} is already claimed "
                            f"by {other_id!r} (give them disjoint `territories`)",
                            where.line,
                        )
                claims.setdefault(folded, []).append((organisation.id, scope))

        organisation_names = {fold(a.text): o.id for o in organisations for a in o.all_aliases()}
        programme_entries = _read_entries(directories, "programmes.toml", _ProgrammesFile, "programmes")
        for programme, where in programme_entries:
            for operator in programme.operators:
                if operator.organisation not in by_id:
                    raise InputError(
                        where.path,
                        f"{programme.id!r}: operator {operator.organisation!r} is not a registry organisation",
                        where.line,
                    )
            for alias in programme.all_aliases():
                if fold(alias.text) in organisation_names:
                    owner = organisation_names[fold(alias.text)]
                    raise InputError(
                        where.path,
                        f"{programme.id!r}: {alias.text!r} is also a name of organisation {owner!r}",
                        where.line,
                    )

        stop_entries = _read_entries(directories, "not_organisations.toml", _StoplistFile, "names")
        for name, where in stop_entries:
            if fold(name.text) in organisation_names:
                raise InputError(
                    where.path,
                    f"{name.text!r} is also a name of organisation {organisation_names[fold(name.text)]!r}",
                    where.line,
                )
        return cls(
            organisations,
            territories,
            tuple(n for n, _ in stop_entries),
            directories[0],
            tuple(p for p, _ in programme_entries),
        )

    # ------------------------------------------------------------------ matching
    def find_organisations(
        self,
        folded: FoldedText,
        territory_at: Callable[[int], str | None] | None = None,
        start: int = 0,
        end: int | None = None,
    ) -> list[Match]:
        """Every registry organisation named in ``folded.text`` (optionally within ``[start, end)``)."""
        return self._organisation_index.find(folded, territory_at, start, end)

    def find_programmes(self, folded: FoldedText, start: int = 0, end: int | None = None) -> list[Match]:
        return self._programme_index.find(folded, None, start, end)

    def network_of(self, organisation_id: str) -> str:
        """The network an entity belongs to (itself when it belongs to none); a department counts with its body."""
        organisation = self.organisations[organisation_id]
        if organisation.member_of:
            return organisation.member_of
        if organisation.sub_organisation_of:
            return self.network_of(organisation.sub_organisation_of)
        return organisation_id

    def find_territories(self, folded: FoldedText, start: int = 0, end: int | None = None) -> list[Match]:
        return self._territory_index.find(folded, None, start, end)

    def find_not_organisations(self, folded: FoldedText) -> list[Match]:
        """Occurrences of the stoplist's names (``corpus/curation/not_organisations.toml``)."""
        return self._stop_index.find(folded)

    def territory_named(self, name: str) -> str | None:
        """The territory whose label or alt label is exactly ``name`` (folded), else None."""
        hits = self._territory_index.by_folded.get(fold(name))
        return hits[0][0] if hits else None

    def resolve(self, name: str, territory: str | None = None) -> str | None:
        """The organisation a whole name denotes (folded equality, guards except context), else None."""
        for key, alias in self._organisation_index.by_folded.get(fold(name), []):
            if alias.territories and territory not in alias.territories:
                continue
            if alias.case_sensitive and name.strip() != alias.text:
                continue
            return key
        return None

    def is_stopword(self, name: str) -> bool:
        return fold(name) in self._stop


def _network_fallback(
    organisations: tuple[Organisation, ...],
    one: str,
    one_scope: frozenset[str],
    other: str,
    other_scope: frozenset[str],
) -> bool:
    """A network may share an unscoped name with its members' territory-scoped names: in a territory
    with a registered member the member is meant, elsewhere the network (reported for curation)."""
    by_id = {o.id: o for o in organisations}
    pairs = ((one, one_scope, other, other_scope), (other, other_scope, one, one_scope))
    return any(
        not scope_n and scope_m and by_id[n].kind == "network" and by_id[m].member_of == n
        for n, scope_n, m, scope_m in pairs
    )


@dataclass(frozen=True, slots=True)
class _Origin:
    path: Path
    line: int | None


def _read_entries(
    directories: list[Path], file_name: str, model: type[BaseModel], table: str
) -> list[tuple[Any, _Origin]]:
    """(entry, where it is written) for every entry of ``file_name`` in each directory that has
    the file; ids are unique across all of them."""
    out: list[tuple[Any, _Origin]] = []
    first_seen: dict[str, Path] = {}
    for directory in directories:
        path = directory / file_name
        if not path.is_file():
            continue
        data, raw = read_toml(path)
        entries = getattr(_validate(path, raw, data, model, table), table)
        ids = [getattr(e, "id", None) for e in entries]
        present_ids = [entry_id for entry_id in ids if entry_id]
        if len(present_ids) == len(ids):
            _unique(path, raw, table, present_ids)
        for index, entry in enumerate(entries):
            entry_id = getattr(entry, "id", None)
            if table == "names":
                headers = [n for n, line in enumerate(raw.splitlines(), 1) if line.strip() == "[[names]]"]
                line = headers[index] if index < len(headers) else None
            else:
                line = _entry_line(raw, table, index, entry_id)
            if entry_id is not None:
                if entry_id in first_seen:
                    raise InputError(
                        path, f"duplicate id {entry_id!r} in [[{table}]] (also in {first_seen[entry_id]})", line
                    )
                first_seen[entry_id] = path
            out.append((entry, _Origin(path, line)))
    return out


def _unique(path: Path, raw: str, table: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for entry_id in ids:
        if entry_id in seen:
            # point at the second occurrence
            occurrences = [
                n
                for n, line in enumerate(raw.splitlines(), 1)
                if re.match(rf'\s*id\s*=\s*["\']{re.escape(entry_id)}["\']', line)
            ]
            raise InputError(
                path,
                f"duplicate id {entry_id!r} in [[{table}]]",
                occurrences[1] if len(occurrences) > 1 else line_of(raw, "id"),
            )
        seen.add(entry_id)
