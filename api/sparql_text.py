"""A SPARQL 1.1 lexer, and the checks the endpoint makes on a request before it runs.

pyoxigraph parses SPARQL but exposes no parse tree, and it has no switch to turn off the
HTTP client it uses for ``SERVICE`` and ``LOAD``. So the endpoint tokenizes the text
itself, following the terminals of the SPARQL 1.1 grammar (IRIs, the four string forms,
comments, variables, prefixed names with their escapes, blank node labels, language tags).
``SERVICE`` and ``LOAD`` are reserved keywords: a bare-word token ``service`` or ``load``
(any case) outside those terminals can only be a SERVICE clause or a LOAD operation, and
the request is refused with it. A string literal, a comment, an IRI, a variable ``?service``
or a prefixed name ``ex:service`` never triggers the refusal.

The same tokens give the query form (SELECT/ASK/CONSTRUCT/DESCRIBE, so the content can be
negotiated before the query runs), whether the query names its own dataset (FROM), and the
places where the protocol's ``using-graph-uri``/``using-named-graph-uri`` are inserted into
an update as ``USING`` clauses.

>>> forbidden_keywords('SELECT * { ?s ?p "service" . ?service ex:service <urn:service> } # service')
[]
>>> [k.keyword for k in forbidden_keywords('select * { { select * { service <http://x/> {} } } }')]
['SERVICE']
>>> query_form('PREFIX ex: <http://ex/> ask {}')
'ASK'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# --- terminals (SPARQL 1.1 grammar, section 19.8) ---------------------------------------
_PN_CHARS_BASE = (
    "A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
    "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
    rf"(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_VARNAME = rf"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"

_TOKEN = re.compile(
    r"""
    (?P<ws>[\ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
              |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'
              |"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$]"""
    + _VARNAME
    + r""")
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
  | (?P<bnode>_:[^\s{}()\[\],;"'<>]+)
  | (?P<pname>(?:"""
    + _PN_PREFIX
    + r""")?:(?:"""
    + _PN_LOCAL
    + r""")?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<punct>\^\^|<<\(|\)>>|<<|>>|\{\||\|\}|&&|\|\||<=|>=|!=|.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # iri, string, var, langtag, bnode, pname, word, number, punct
    text: str
    start: int  # offset in the text

    @property
    def keyword(self) -> str | None:
        """The upper-cased keyword when this token is a bare word, else None."""
        return self.text.upper() if self.kind == "word" else None


def tokenize(text: str) -> list[Token]:
    """Every significant token of ``text`` (whitespace and comments dropped).

    A character the grammar cannot start a token with becomes a one-character ``punct``
    token: the lexer never fails, the SPARQL parser reports syntax errors later.
    """
    tokens: list[Token] = []
    position = 0
    length = len(text)
    while position < length:
        match = _TOKEN.match(text, position)
        if match is None:  # an unterminated string or the like: one character as punct
            tokens.append(Token("punct", text[position], position))
            position += 1
            continue
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, match.group(), position))
        position = match.end()
    return tokens


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


@dataclass(frozen=True)
class Forbidden:
    keyword: str
    line: int
    column: int


#: Keywords that would make the store open an outbound connection.
OUTBOUND_KEYWORDS = frozenset({"SERVICE", "LOAD"})


def forbidden_keywords(text: str, tokens: list[Token] | None = None) -> list[Forbidden]:
    """Every SERVICE clause and LOAD operation in a query or update, with its position."""
    tokens = tokenize(text) if tokens is None else tokens
    found = []
    for token in tokens:
        if token.keyword in OUTBOUND_KEYWORDS:
            found.append(Forbidden(token.keyword, *line_column(text, token.start)))
    return found


_QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def query_form(text: str, tokens: list[Token] | None = None) -> str | None:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, 'UPDATE' (an update sent as a query), or None."""
    tokens = tokenize(text) if tokens is None else tokens
    for token in tokens:
        keyword = token.keyword
        if keyword in _QUERY_FORMS:
            return keyword
        if keyword in _UPDATE_KEYWORDS:
            return "UPDATE"
    return None


def has_dataset_clause(tokens: list[Token]) -> bool:
    """Whether the query names its own dataset with FROM / FROM NAMED."""
    return any(token.keyword == "FROM" for token in tokens)


class DatasetConflict(ValueError):
    """The protocol names a dataset for an update operation that already has USING or WITH."""


def add_using_clauses(text: str, using: list[str], using_named: list[str]) -> str:
    """Apply the protocol's ``using-graph-uri``/``using-named-graph-uri`` to an update.

    Every DELETE/INSERT ... WHERE operation gets ``USING <g>``/``USING NAMED <g>`` clauses
    inserted right before its WHERE keyword, which is what the protocol defines them as.
    An operation that has its own USING or WITH clause makes the request an error
    (SPARQL 1.1 Protocol, section 2.2.3).

    >>> add_using_clauses('INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }', ['http://g/1'], [])
    'INSERT { ?s ?p ?o } USING <http://g/1> WHERE { ?s ?p ?o }'
    """
    if not using and not using_named:
        return text
    clause = "".join(f"USING <{iri}> " for iri in using) + "".join(f"USING NAMED <{iri}> " for iri in using_named)
    tokens = tokenize(text)
    depth = 0
    insertions: list[int] = []
    previous: str | None = None
    for token in tokens:
        if token.kind == "punct" and token.text in "{}":
            depth += 1 if token.text == "{" else -1
            previous = None
            continue
        if depth == 0 and token.kind == "word":
            keyword = token.keyword
            if keyword in ("USING", "WITH"):
                raise DatasetConflict(
                    f"the update has a {keyword} clause and the request also names "
                    "using-graph-uri/using-named-graph-uri: use one or the other"
                )
            if keyword == "WHERE" and previous != "DELETE":  # DELETE WHERE has no USING
                insertions.append(token.start)
            previous = keyword
        elif depth == 0:
            previous = None
    for offset in reversed(insertions):
        text = text[:offset] + clause + text[offset:]
    return text
