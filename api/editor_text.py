"""The SPARQL a named query shows in the query page's editor: its parameters bound by a VALUES
block at the top of its WHERE group, each with a comment saying what to put there. Used by the
page (``routes/pages.py``) and by ``GET /api/queries/{name}/sparql`` (``routes/queries.py``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ctair.graph.named_queries import NamedQuery, Parameter

_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+$")
_ENTITY_TYPES = {
    "organisation": ("d'une organisation", "an organisation"),
    "territory": ("d'un territoire", "a territory"),
    "axis": ("d'un axe", "an axis"),
}


def _body_brace(sparql: str) -> int | None:
    """Offset of the ``{`` that opens the query's WHERE group, skipping comments, strings and IRIs."""
    i, n = 0, len(sparql)
    seen_where = False
    seen_form = False
    while i < n:
        c = sparql[i]
        if c == "#":
            end = sparql.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c in "\"'":
            quote = c * 3 if sparql.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c == "<":
            match = _IRIREF.match(sparql, i)
            i = match.end() if match else i + 1
            continue
        if c in "?$":  # a variable: its name is not a keyword
            match = _WORD.match(sparql, i + 1)
            i = match.end() if match else i + 1
            continue
        if c.isalpha() or c == "_":
            match = _WORD.match(sparql, i)
            assert match is not None  # a word starts at a letter or "_"
            word = match.group().upper()
            # a prefixed name (rdfs:label) is not a keyword either
            if not sparql.startswith(":", match.end()):
                if word == "WHERE":
                    seen_where = True
                elif word in ("SELECT", "ASK", "DESCRIBE"):
                    seen_form = True
            i = match.end()
            continue
        if c == "{" and (seen_where or seen_form):
            return i
        i += 1
    return None


def _sparql_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def sparql_value(parameter: Parameter) -> str:
    """The default of ``parameter`` as a SPARQL term for a VALUES row (``UNDEF`` when it has none usable)."""
    raw = parameter.default
    if raw is None:
        return "UNDEF"
    raw = raw.strip()
    if parameter.type == "integer":
        return str(int(raw)) if re.fullmatch(r"[+-]?\d+", raw) else "UNDEF"
    if parameter.type == "decimal":
        try:
            number = Decimal(raw)
        except InvalidOperation:
            return "UNDEF"
        text = format(number, "f")
        return text if "." in text else text + ".0"
    if parameter.type == "string":
        return _sparql_string(raw)
    # iri, organisation, territory, axis: only an absolute IRI can be written as a value
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1]
    return f"<{raw}>" if _ABSOLUTE_IRI.match(raw) else "UNDEF"


def _parameter_comment(parameter: Parameter, value: str) -> str:
    parts = [f"?{parameter.name} ({parameter.type}{', obligatoire · required' if parameter.required else ''})"]
    if parameter.description:
        parts.append(parameter.description)
    if value == "UNDEF" and parameter.type in _ENTITY_TYPES:
        fr, en = _ENTITY_TYPES[parameter.type]
        parts.append(f"IRI {fr} · IRI of {en}")
        if parameter.default:
            parts.append(f"ex. · e.g. {parameter.default!r}")
    return "  #   " + " — ".join(parts)


def values_block(query: NamedQuery, bound: dict | None = None) -> str:
    """``VALUES (?a ?b) { (1 "x") }`` for the query's parameters, with one comment line each.
    ``bound`` maps parameter names to RDF terms (``named_queries.bind``), written by pyoxigraph."""
    values = [str(bound[p.name]) if bound and p.name in bound else sparql_value(p) for p in query.parameters]
    lines = ["  # Paramètres : modifiez les valeurs · Parameters: edit the values (UNDEF = none)"]
    lines += [_parameter_comment(p, v) for p, v in zip(query.parameters, values)]
    names = " ".join(f"?{p.name}" for p in query.parameters)
    lines.append(f"  VALUES ({names}) {{ ({' '.join(values)}) }}")
    return "\n".join(lines)


_PARAM_LINE = re.compile(r"^#\s*param:.*\n", re.M)


def editor_text(query: NamedQuery, bound: dict | None = None) -> str:
    """The query as the editor shows it: parameters, if any, bound by a VALUES block at the top of WHERE
    (to their defaults, or to the terms of ``bound``).

    The ``# param:`` header lines are dropped then: the VALUES block's comments say the same.
    """
    if not query.parameters:
        return query.text
    text = _PARAM_LINE.sub("", query.text)
    brace = _body_brace(text)
    block = values_block(query, bound)
    if brace is None:  # no WHERE group found: a trailing VALUES clause is still valid SPARQL
        return text.rstrip() + "\n" + block.replace("\n  ", "\n").lstrip() + "\n"
    return text[: brace + 1] + "\n" + block + "\n" + text[brace + 1 :].lstrip("\n")
