"""The folded form of a whole text with a map back to the original offsets.

``FoldedText(text).folded`` equals ``ctair.text.fold(text)`` (case, accents and punctuation
removed, runs of separators collapsed to one space) and ``original_span(i, j)`` gives the span of
the original text that folded characters ``[i, j)`` come from. Names are matched once against
the folded text instead of folding the text again for every alias.

>>> f = FoldedText("L'association « Soliha 31 », à Toulouse.")
>>> f.folded
'l association soliha 31 a toulouse'
>>> i = f.folded.index("soliha 31"); s, e = f.original_span(i, i + len("soliha 31"))
>>> f.text[s:e]
'Soliha 31'
"""

from __future__ import annotations

import unicodedata

__all__ = ["FoldedText"]

_CACHE: dict[str, str] = {}


def _fold_char(c: str) -> str:
    folded = _CACHE.get(c)
    if folded is None:
        decomposed = unicodedata.normalize("NFKD", c.casefold())
        folded = "".join(x for x in decomposed if not unicodedata.combining(x) and ("0" <= x <= "9" or "a" <= x <= "z"))
        _CACHE[c] = folded
    return folded


class FoldedText:
    __slots__ = ("text", "folded", "_starts", "_ends")

    def __init__(self, text: str):
        self.text = text
        chars: list[str] = []
        starts: list[int] = []  # original offset where folded char i starts
        ends: list[int] = []  # original offset just after folded char i
        pending_space = False
        for index, c in enumerate(text):
            if c.isascii():
                lower = c.lower()
                piece = lower if (lower.isalnum()) else ""
            else:
                piece = _fold_char(c)
            if not piece:
                pending_space = True
                continue
            if pending_space and chars:
                chars.append(" ")
                starts.append(index)
                ends.append(index)
            pending_space = False
            for p in piece:
                chars.append(p)
                starts.append(index)
                ends.append(index + 1)
        self.folded = "".join(chars)
        self._starts = starts
        self._ends = ends

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of folded ``[start, end)`` (end exclusive, ``end > start``)."""
        return self._starts[start], self._ends[end - 1]
