"""Splitting a document into lines, paragraphs, list items and sentences, keeping exact offsets.

Every piece is a :class:`Segment` ``(start, end)`` into the *original* text, so a mention built
from it always satisfies ``mention.text == text[span.start:span.end]``. Markup (``**bold**``,
``*italic*``) is never removed from the text; :func:`clean` gives a label without it.

>>> text = "Titre\\n\\nUne **phrase**. Une autre phrase.\\n- item un\\n- item deux"
>>> [text[s.start:s.end] for s in paragraphs(text)]
['Titre', 'Une **phrase**. Une autre phrase.\\n- item un\\n- item deux']
>>> [text[s.start:s.end] for s in sentences(text, paragraphs(text)[1])]
['Une **phrase**.', 'Une autre phrase.', '- item un', '- item deux']
>>> clean("La **formation linguistique ALIOS** consiste")
'La formation linguistique ALIOS consiste'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import Mention, Method, Span


@dataclass(frozen=True, slots=True)
class Segment:
    start: int
    end: int

    def text(self, document: str) -> str:
        return document[self.start : self.end]

    def contains(self, position: int) -> bool:
        return self.start <= position < self.end


_BLANK_LINES = re.compile(r"\n[ \t\u00a0\u202f]*\n\s*")
_LINE = re.compile(r"[^\n]*")
_BULLET = re.compile(r"[ \t]*[-•–][ \t]+")
# a sentence ends at . ! ? (or an ellipsis) followed by blanks and an upper-case letter, a quote,
# a bullet or a digit; "M." and single capitals ("J.") are not ends.
_SENTENCE_END = re.compile(
    r"(?<![A-Z])(?<!\bM)(?<!\bMme)(?:\.{2,3}|[.!?…])[\"»”)]?(?=[ \t\u00a0]+[«\"“(]?[A-ZÀ-ÖØ-Þ0-9])"
)
_MARKUP = re.compile(r"\*{1,3}")
_SPACES = re.compile(r"\s+")


def trim(text: str, start: int, end: int) -> Segment | None:
    """The segment without leading/trailing white space, or None if only blanks."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Segment(start, end) if end > start else None


def lines(text: str, within: Segment | None = None) -> list[Segment]:
    """Non-blank lines (trimmed) of ``text`` (or of a part of it)."""
    start, end = (within.start, within.end) if within else (0, len(text))
    out = []
    position = start
    while position <= end:
        newline = text.find("\n", position, end)
        stop = end if newline == -1 else newline
        segment = trim(text, position, stop)
        if segment:
            out.append(segment)
        if newline == -1:
            break
        position = newline + 1
    return out


def paragraphs(text: str, within: Segment | None = None) -> list[Segment]:
    """Blocks separated by blank lines (trimmed)."""
    start, end = (within.start, within.end) if within else (0, len(text))
    out = []
    position = start
    for blank in _BLANK_LINES.finditer(text, start, end):
        segment = trim(text, position, blank.start())
        if segment:
            out.append(segment)
        position = blank.end()
    segment = trim(text, position, end)
    if segment:
        out.append(segment)
    return out


def is_list_item(text: str, segment: Segment) -> bool:
    return bool(_BULLET.match(text, segment.start, segment.end))


def list_items(text: str, within: Segment) -> list[Segment]:
    """The bulleted lines of a block; a continuation line without bullet joins the item before it."""
    items: list[Segment] = []
    for line in lines(text, within):
        if is_list_item(text, line):
            items.append(line)
        elif items:
            items[-1] = Segment(items[-1].start, line.end)
    return items


def sentences(text: str, within: Segment) -> list[Segment]:
    """Sentences of a block: each line is split at sentence ends; bulleted lines are their own units."""
    out: list[Segment] = []
    for line in lines(text, within):
        position = line.start
        for end in _SENTENCE_END.finditer(text, line.start, line.end):
            segment = trim(text, position, end.end())
            if segment:
                out.append(segment)
            position = end.end()
        segment = trim(text, position, line.end)
        if segment:
            out.append(segment)
    return out


def clean(fragment: str) -> str:
    """A label from a piece of text: markup stars removed, white space collapsed, bullets dropped."""
    fragment = _MARKUP.sub("", fragment)
    fragment = re.sub(r"^[ \t]*[-•–][ \t]+", "", fragment, flags=re.M)
    return _SPACES.sub(" ", fragment).strip()


def mention(source: str, text: str, segment: Segment, method: Method = Method.RULE) -> Mention:
    return Mention(
        source=source,
        span=Span(start=segment.start, end=segment.end),
        text=text[segment.start : segment.end],
        method=method,
    )


def enclosing(segments: list[Segment], position: int) -> Segment | None:
    """The segment containing ``position`` (segments sorted, non-overlapping)."""
    low, high = 0, len(segments)
    while low < high:
        middle = (low + high) // 2
        if segments[middle].end <= position:
            low = middle + 1
        else:
            high = middle
    if low < len(segments) and segments[low].contains(position):
        return segments[low]
    return None
