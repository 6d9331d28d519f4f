"""How a figure is written back for people: the value when the document gives one, a range as a
range ("20–25", "≤ 12", "≥ 5"), "≈" for an approximate figure, a rate with its period. The 3W
table and the pages show figures through this one function, so they never disagree.

>>> as_written(None, 20, 25), as_written(None, None, 12), as_written(200, None, None, approximate=True)
('20–25', '≤ 12', '≈ 200')
>>> as_written(60, None, None, per="an"), as_written(20, 20, 20)
('60 par an', 20)
"""

from __future__ import annotations

from decimal import Decimal

# a figure as the records, the store or a table cell give it: a number, its text, or nothing
Figure = Decimal | float | str | None


def as_written(
    value: Figure, minimum: Figure, maximum: Figure, *, approximate: bool = False, per: str | None = None
) -> Figure:
    """The value itself when exact (a number stays a number), else the text of the range; None (or
    "" when given text) when the document gives nothing."""
    if value in (None, "") and minimum not in (None, "") and minimum == maximum:
        value = minimum
    if value not in (None, ""):
        if not approximate and not per:
            return value
        text = str(value)
    elif minimum not in (None, "") and maximum not in (None, ""):
        text = f"{minimum}–{maximum}"
    elif maximum not in (None, ""):
        text = f"≤ {maximum}"
    elif minimum not in (None, ""):
        text = f"≥ {minimum}"
    else:
        return "" if isinstance(value, str) else None
    if approximate:
        text = f"≈ {text}"
    return f"{text} par {per}" if per else text
