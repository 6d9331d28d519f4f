"""``ctair export 3w``: the "who does what where" table of the humanitarian 3W convention.

One row per organisation × action × territory (an organisation with two roles in one action
has one row, its roles joined), a first header row for people and a second of HXL hashtags
(Humanitarian Exchange Language 1.1) for machines: the organisation's name goes in the column
of its role — ``#org+impl`` (operator), ``#org+partner``, ``#org+funder``, ``#org+lead``
(coordinator), ``#org+participant`` — as the role scheme's ``ctair:hxlAttribute`` says,
and also in ``#org+name`` so that the table reads one organisation per row. ``#sector``
is the axis of the national strategy, ``#subsector`` the theme, ``#adm2+name`` the territory
and ``#loc+code`` its INSEE code. Quantities repeat on each organisation's row of an
action: sum them per action, not per row.

People, households and funding are counted as the document states them: a range ("20 à 25 BPI")
stays a range (``people_min`` 20, ``people_max`` 25, and ``people`` "20–25"), a part of a whole
("20 primo-arrivants dont 12 BPI") is never added to its whole, a rate ("60 accessions par an") is
not a total, and an organisation taking part in a contract (a zoom of the 2021 article) has a row
with its contract, without action.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

from ctair.errors import CtairError
from ctair.text import fold

from .figures import as_written
from .network import NetworkData, NetworkFilter, QuantityInfo, selected_participations

ROLE_COLUMNS = {
    "operator": ("Operator", "#org+impl"),
    "partner": ("Partner", "#org+partner"),
    "funder": ("Funder", "#org+funder"),
    "coordinator": ("Coordinator", "#org+lead"),
    "participant": ("Participant", "#org+participant"),
}
PEOPLE_UNITS = ("beneficiary", "young-person", "child")  # people an action is for (not working-group participants)

COLUMNS: list[tuple[str, str, str]] = [
    # (key, header, HXL hashtag)
    ("organisation", "Organisation", "#org+name"),
    ("organisation_id", "Organisation ID", "#org+code"),
    ("organisation_type", "Organisation type", "#org+type"),
    ("role", "Role", "#org+role"),
    *[(role, header, tag) for role, (header, tag) in ROLE_COLUMNS.items()],
    ("axis", "Axis", "#sector"),
    ("theme", "Theme", "#subsector"),
    ("action", "Action", "#activity+name"),
    ("action_iri", "Action IRI", "#activity+code"),
    ("territory", "Territory", "#adm2+name"),
    ("territory_id", "Territory ID", "#adm2+id"),
    ("insee_code", "INSEE code", "#loc+code"),
    ("contract_kind", "Contract kind", "#x_contract+type"),
    ("year", "Year", "#date+year"),
    ("people", "People targeted", "#targeted+ind"),
    ("people_min", "People targeted (min)", "#targeted+ind+min"),
    ("people_max", "People targeted (max)", "#targeted+ind+max"),
    ("households", "Households targeted", "#targeted+hh"),
    ("households_max", "Households targeted (max)", "#targeted+hh+max"),
    ("funding_eur", "Funding (EUR)", "#value+funding+eur"),
    ("quantities", "Quantities (as written)", "#meta+quantities"),
    ("source", "Source document", "#meta+source"),
]
HEADERS = [header for _, header, _ in COLUMNS]
HASHTAGS = [tag for _, _, tag in COLUMNS]
FORMATS = ("csv", "xlsx")


class TableExportError(CtairError, ValueError):
    """The 3W table cannot be written; the message names the file."""

    status, code = 400, "bad-parameter"


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# a row of the 3W table: column key -> its cell (text, number or nothing)
Row3W = dict[str, Any]


def counted(quantities: list[QuantityInfo], units: tuple[str, ...]) -> tuple[float | int | None, float | int | None]:
    """(minimum, maximum) of what ``quantities`` count in ``units``: the wholes only (a part is in
    its whole), totals only (not rates), a range's bounds kept apart; None when nothing is counted."""
    wholes = [q for q in quantities if q.unit in units and q.subset_of is None and q.per is None]
    if not wholes:
        return None, None
    lows = [q.low for q in wholes if q.low is not None]
    highs = [q.high for q in wholes if q.high is not None]
    low = _number(sum(lows)) if len(lows) == len(wholes) else None
    high = _number(sum(highs)) if len(highs) == len(wholes) else None
    return low, high


def rows_3w(data: NetworkData, filters: NetworkFilter = NetworkFilter()) -> list[Row3W]:
    """The 3W rows (dicts keyed by the column keys of :data:`COLUMNS`)."""
    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p in selected_participations(data, filters):
        roles[(p.organisation, p.action)].add(p.role)
    rows = []
    for (organisation_iri, action_iri), role_set in roles.items():
        organisation = data.entities[organisation_iri]
        action = data.actions[action_iri]
        territory = data.entities[action.territory]
        quantities = action.quantities
        people = counted(quantities, PEOPLE_UNITS)
        households = counted(quantities, ("household",))
        funding = counted(quantities, ("euro",))
        row: Row3W = {
            "organisation": organisation.label,
            "organisation_id": organisation.id,
            "organisation_type": "; ".join(organisation.types),
            "role": "; ".join(r for r in ROLE_COLUMNS if r in role_set),
            **{r: (organisation.label if r in role_set else "") for r in ROLE_COLUMNS},
            "axis": "; ".join(dict.fromkeys(data.axis_label(data.top_axis(a)) for a in action.axes)),
            "theme": "; ".join(data.axis_label(a) for a in action.axes),
            "action": action.label if action.scope == "action" else "",
            "action_iri": action.iri if action.scope == "action" else "",
            "territory": territory.label,
            "territory_id": territory.id,
            "insee_code": territory.insee_code or "",
            "contract_kind": action.kind or "",
            "year": action.year,
            "people": as_written(None, *people),
            "people_min": people[0],
            "people_max": people[1],
            "households": households[0],
            "households_max": households[1],
            "funding_eur": as_written(None, *funding),
            "quantities": "; ".join(
                q.label or (f"{q.value:g} {q.unit or ''}".strip() if q.value is not None else "") for q in quantities
            ),
            "source": "; ".join(action.sources),
        }
        rows.append(row)
        row["_activity"] = action_iri
    rows.sort(
        key=lambda r: (
            fold(r["territory"]),
            data.actions[r["_activity"]].scope != "contract",
            data.actions[r["_activity"]].ordinal or 0,
            r["_activity"],
            fold(r["organisation"]),
        )
    )
    for row in rows:
        del row["_activity"]
    return rows


def _cell(value: object) -> object:
    return "" if value is None else value


def write_3w(
    data: NetworkData, path: Path | str, filters: NetworkFilter = NetworkFilter(), fmt: str | None = None
) -> int:
    """Write the 3W table to ``path`` (.csv or .xlsx); returns the number of data rows."""
    path = Path(path)
    fmt = fmt or path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise TableExportError(f"cannot write a 3W table to {path}: the file must end in .csv or .xlsx")
    if not path.parent.exists():
        raise TableExportError(f"cannot write {path}: the directory {path.parent} does not exist")
    rows = rows_3w(data, filters)
    keys = [key for key, _, _ in COLUMNS]
    try:
        if fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(HEADERS)
                writer.writerow(HASHTAGS)
                for row in rows:
                    writer.writerow([_cell(row[k]) for k in keys])
        else:
            _write_xlsx(path, rows, keys, filters)
    except OSError as error:
        raise TableExportError(f"cannot write {path}: {error.strerror or error}") from error
    return len(rows)


def _write_xlsx(path: Path, rows: list[dict[str, Any]], keys: list[str], filters: NetworkFilter) -> None:
    from openpyxl import Workbook  # a second to import: only for an .xlsx
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):  # a new workbook opens on an empty worksheet
        raise TypeError(f"a new workbook's active sheet is {sheet!r}")
    sheet.title = "3W"
    sheet.append(HEADERS)
    sheet.append(HASHTAGS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="4A5568")
    for row in rows:
        sheet.append([_cell(row[k]) for k in keys])
    sheet.freeze_panes = "B3"
    for index, key in enumerate(keys, start=1):
        longest = max(
            [len(HEADERS[index - 1]), len(HASHTAGS[index - 1])] + [len(str(_cell(r[key]))) for r in rows[:500]]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(60, longest + 2)
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(keys))}{len(rows) + 2}"
    about = workbook.create_sheet("About")
    for line in (
        ("Who does what where (3W) — ctair",),
        ("One row per organisation × action × territory; row 2 holds the HXL hashtags (https://hxlstandard.org/).",),
        ("Quantities repeat on each organisation's row of an action: sum them per action, not per row.",),
        ("Filters", filters.describe()),
        ("Rows", len(rows)),
    ):
        about.append(list(line))
    workbook.save(path)
