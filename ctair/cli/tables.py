"""Rows printed for people (an aligned table) or programs (JSON, CSV): one function for every command."""

from __future__ import annotations

import csv
import json
import sys

from ctair.graph.store import plain as plain_value


def print_rows(rows: list[dict], columns: list[str], fmt: str, out=None) -> None:
    """Rows of RDF terms or plain values as a table, JSON or CSV."""
    out = out or sys.stdout
    plain = [{c: plain_value(r.get(c)) for c in columns} for r in rows]
    if fmt == "json":
        json.dump(plain, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(plain)
    else:
        cells = [[("" if r[c] is None else str(r[c])) for c in columns] for r in plain]
        widths = [min(60, max([len(c)] + [len(row[i]) for row in cells])) for i, c in enumerate(columns)]
        out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip() + "\n")
        out.write("  ".join("-" * w for w in widths) + "\n")
        for row in cells:
            out.write(
                "  ".join((v if len(v) <= w else v[: w - 1] + "…").ljust(w) for v, w in zip(row, widths)).rstrip()
                + "\n"
            )
        out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
