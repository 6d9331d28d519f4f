"""Comparing names: the folded form shared by the loaders (matching names in documents) and the
graph (IRIs, search, network labels). The bottom layer: it imports nothing of ctair.

>>> fold("Forum Réfugiés-Cosi !")
'forum refugies cosi'
>>> slugify("Forum réfugiés-Cosi")
'forum-refugies-cosi'
"""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used to compare names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare).split())


def slugify(text: str) -> str:
    return fold(text).replace(" ", "-")
