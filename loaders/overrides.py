"""Curated corrections of the automatic extraction (``corpus/curation/overrides.toml``).

Each ``[[override]]`` has an ``op``, the keys of the fact it touches and a mandatory ``why``:

* ``add-participation``: source, territory, ordinal, organisation, role, quote
* ``remove-participation``: source, territory, ordinal, organisation, role
* ``add-quantity``: source, territory, ordinal, value (or minimum/maximum), unit, label, quote (approximate optional)
* ``remove-quantity``: source, territory, ordinal, value, unit
* ``set-contract-year``: source, territory, kind, year (null: unknown)

An added fact carries ``Method.CURATED`` and a mention: the ``quote`` (the words that justify it)
located in the document, inside the action (an error if absent). Removing a fact the rules do not
produce is an error too, so a stale override is noticed. Any problem is an ``InputError`` pointing
at the override's line.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Literal, NoReturn, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .corpus import read_toml
from .errors import InputError
from .folding import FoldedText
from .records import ContractKind, DocumentRecords, Mention, Method, Participation, Quantity, Role, Span, Unit
from .registry import Registry

T = TypeVar("T")

_REQUIRED = {
    "add-participation": ("source", "territory", "ordinal", "organisation", "role", "quote"),
    "remove-participation": ("source", "territory", "ordinal", "organisation", "role"),
    "add-quantity": ("source", "territory", "ordinal", "unit", "label", "quote"),
    "remove-quantity": ("source", "territory", "ordinal", "value", "unit"),
    "set-contract-year": ("source", "territory", "kind"),
}


class Override(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    op: Literal["add-participation", "remove-participation", "add-quantity", "remove-quantity", "set-contract-year"]
    why: str = Field(min_length=10)
    source: str
    territory: str
    ordinal: int | None = Field(default=None, ge=1)
    organisation: str | None = None
    role: Role | None = None
    value: Decimal | None = None
    unit: Unit | None = None
    label: str | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    approximate: bool = False
    kind: ContractKind | None = None
    year: int | None = None
    quote: str | None = Field(default=None, min_length=3)
    line: int | None = None  # filled by the reader

    @model_validator(mode="after")
    def _complete(self) -> Override:
        missing = [k for k in _REQUIRED[self.op] if getattr(self, k) is None]
        if missing:
            raise ValueError(f"{self.op} needs {', '.join(missing)}")
        if self.op == "add-quantity" and self.value is None and self.minimum is None and self.maximum is None:
            raise ValueError("add-quantity needs value, or minimum and/or maximum")
        return self


def load_overrides(path: Path, registry: Registry) -> list[Override]:
    path = Path(path)
    if not path.is_file():
        return []
    data, raw = read_toml(path)
    headers = [n for n, line in enumerate(raw.splitlines(), 1) if line.strip() == "[[override]]"]
    unknown = set(data) - {"override"}
    if unknown:
        raise InputError(path, f"unknown top-level keys {sorted(unknown)} (expected [[override]] tables)", 1)
    out = []
    for i, entry in enumerate(data.get("override", [])):
        line = headers[i] if i < len(headers) else None
        try:
            override = Override.model_validate({**entry, "line": line})
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "override"
            raise InputError(path, f"override {i + 1}: {where}: {first['msg']}", line) from error
        if override.territory not in registry.territories:
            raise InputError(path, f"override {i + 1}: unknown territory {override.territory!r}", line)
        if override.organisation and override.organisation not in registry.organisations:
            raise InputError(path, f"override {i + 1}: unknown organisation {override.organisation!r}", line)
        out.append(override)
    return out


def _locate(text: str, quote: str, start: int, end: int) -> tuple[int, int] | None:
    at = text.find(quote, start, end)
    if at >= 0:
        return at, at + len(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())  # across line breaks
    hit = re.compile(pattern).search(text, start, end)
    return (hit.start(), hit.end()) if hit else None


def _surface(organisation: str, territory: str, quote: str, registry: Registry | None) -> str:
    """The organisation's spelling inside the quote, else its registry name."""
    if registry is None:
        return quote
    for match in registry.find_organisations(FoldedText(quote), lambda _: territory):
        if match.id == organisation:
            return match.surface
    return registry.organisations[organisation].name


def apply_overrides(
    documents: list[DocumentRecords],
    overrides: list[Override],
    texts: dict[str, str],
    path: Path = Path("corpus/curation/overrides.toml"),
    registry: Registry | None = None,
) -> list[DocumentRecords]:
    by_source = {d.source.id: d for d in documents}
    for override in overrides:
        if override.source not in by_source:
            if override.source in texts:
                continue
            raise InputError(path, f"unknown source {override.source!r}", override.line)
        by_source[override.source] = _apply(
            by_source[override.source], override, texts[override.source], path, registry
        )
    return [by_source[d.source.id] for d in documents]


def _apply(records: DocumentRecords, o: Override, text: str, path: Path, registry: Registry | None) -> DocumentRecords:
    def fail(reason: str) -> NoReturn:
        raise InputError(path, f"{o.op}: {reason}", o.line)

    def present(value: T | None, name: str) -> T:
        # Override's validator requires each op's fields (_REQUIRED): None here is an Override built around it
        if value is None:
            fail(f"needs {name}")
        return value

    if o.op == "set-contract-year":
        contracts = list(records.contracts)
        for i, c in enumerate(contracts):
            if c.territory == o.territory and c.kind == o.kind:
                contracts[i] = c.model_copy(update={"year": o.year})
                return records.model_copy(update={"contracts": tuple(contracts)})
        fail(f"no {present(o.kind, 'kind').value} contract of {o.territory!r} in {o.source!r}")

    actions = list(records.actions)
    position = next((i for i, a in enumerate(actions) if a.territory == o.territory and a.ordinal == o.ordinal), None)
    if position is None:
        fail(f"no action {o.territory!r} #{o.ordinal} in {o.source!r}")
    action = actions[position]

    def curated_mention() -> Mention:
        span = action.mention.span
        found = _locate(text, present(o.quote, "quote"), span.start, span.end)
        if found is None:
            fail(f"quote {o.quote!r} not found in action {o.territory!r} #{o.ordinal}")
        return Mention(
            source=o.source,
            span=Span(start=found[0], end=found[1]),
            text=text[found[0] : found[1]],
            method=Method.CURATED,
        )

    if o.op == "add-participation":
        mention = curated_mention()
        if any(p.organisation == o.organisation and p.role == o.role for p in action.participations):
            return records  # the rules found it meanwhile
        organisation, role = present(o.organisation, "organisation"), present(o.role, "role")
        surface = _surface(organisation, o.territory, mention.text, registry)
        action = action.model_copy(
            update={
                "participations": action.participations
                + (Participation(organisation=organisation, role=role, surface=surface, mention=mention),)
            }
        )
    elif o.op == "remove-participation":
        kept = tuple(p for p in action.participations if not (p.organisation == o.organisation and p.role == o.role))
        if len(kept) == len(action.participations):
            fail(
                f"{o.organisation!r} as {present(o.role, 'role').value} is not a participation of "
                f"{o.territory!r} #{o.ordinal}: delete this override"
            )
        action = action.model_copy(update={"participations": kept})
    elif o.op == "add-quantity":
        mention = curated_mention()
        action = action.model_copy(
            update={
                "quantities": action.quantities
                + (
                    Quantity(
                        value=o.value,
                        minimum=o.minimum,
                        maximum=o.maximum,
                        approximate=o.approximate,
                        unit=present(o.unit, "unit"),
                        label=present(o.label, "label"),
                        mention=mention,
                    ),
                )
            }
        )
    elif o.op == "remove-quantity":
        kept_quantities = tuple(q for q in action.quantities if not (q.value == o.value and q.unit == o.unit))
        if len(kept_quantities) == len(action.quantities):
            fail(
                f"no quantity {o.value} {present(o.unit, 'unit').value} in {o.territory!r} #{o.ordinal}: "
                "delete this override"
            )
        action = action.model_copy(update={"quantities": kept_quantities})
    actions[position] = action
    return records.model_copy(update={"actions": tuple(actions)})
