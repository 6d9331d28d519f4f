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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from ctair.errors import CtairError

# --- terminals (SPARQL 1.1 grammar, section 19.8) ---------------------------------------
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
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

# The lexer must be linear in the length of the text: it runs on every request, before any
# limit but the length one (a 60 kB query of "é" used to take 14 s). Three things keep it so:
# * a prefixed name is only tried where the run of name characters that starts there ends
#   with ':'; the run is scanned once, and every later start inside it reuses the answer;
# * a quote whose string never closes is an error (``UnterminatedString``), not a one-character
#   token followed by another scan of the rest of the text from the next quote;
# * a non-ASCII character outside a string, IRI, comment, variable or prefixed name, with the
#   letters, digits and non-ASCII characters after it, is one ``other`` token. It may swallow
#   a keyword ("éSERVICE"), but such a query is invalid: a non-ASCII character is only allowed
#   in those terminals, and the engine refuses the query at that character.
_STRING_LONG = r"""'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\""""
_STRING_SHORT = r"""'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*\""""
_BEFORE_NAMES = rf"""
    (?P<ws>[\ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<string>{_STRING_LONG})
  | (?P<unterminated>'''|\"\"\")
  | (?P<string1>{_STRING_SHORT})
  | (?P<unterminated1>['"])
  | (?P<var>[?$]{_VARNAME})
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
  | (?P<bnode>_:[^\s{{}}()\[\],;"'<>]+)
"""
_PNAME = rf"""
  | (?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
"""
_AFTER_NAMES = r"""
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<other>[^\x00-\x7F][^\x00-\x2F\x3A-\x40\x5B-\x5E\x60\x7B-\x7F]*)
  | (?P<punct>\^\^|<<\(|\)>>|<<|>>|\{\||\|\}|&&|\|\||<=|>=|!=|.)
"""
_TOKEN = re.compile(_BEFORE_NAMES + _PNAME + _AFTER_NAMES, re.VERBOSE | re.DOTALL)
#: Inside a name run known not to end with ':' only these tokens can start (no ':', quote, '<'...).
_TOKEN_IN_RUN = re.compile(_AFTER_NAMES.replace("|", "", 1), re.VERBOSE | re.DOTALL)
_NAME_START = re.compile(rf"[{_PN_CHARS_BASE}]")
_NAME_RUN = re.compile(rf"[{_PN_CHARS}.]*")
_KIND_NAMES = {"string1": "string"}
#: Characters that are a whole token by themselves wherever they stand outside a string, IRI
#: or comment (none starts a longer token: '<', '>', '|', '&', '!', '^', '.' and quotes do).
_SINGLE_PUNCT = frozenset("}([],;*/+=-")


class UnterminatedString(CtairError, ValueError):
    """A quote opens a string that never closes: the text (a ``kind``, query or update) cannot
    be valid SPARQL. A syntax error of that kind, with its line and column."""

    status = 400

    def __init__(self, text: str, offset: int, quote: str, kind: str = "query"):
        self.offset, self.quote, self.kind = offset, quote, kind
        self.line, self.column = line_column(text, offset)
        self.code = f"{kind}-syntax"  # type: ignore[misc]  # as the parser's syntax errors
        super().__init__(
            f"SPARQL {kind} syntax error: the string opened by {quote} at line {self.line}, "
            f"column {self.column} is never closed"
        )

    def extra(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column}


class Token(NamedTuple):
    kind: str  # iri, string, var, langtag, bnode, pname, word, number, other, punct
    text: str
    start: int  # offset in the text

    @property
    def keyword(self) -> str | None:
        """The upper-cased keyword when this token is a bare word, else None."""
        return self.text.upper() if self.kind == "word" else None


def tokenize(text: str) -> list[Token]:
    """Every significant token of ``text`` (whitespace and comments dropped), in linear time.

    A character the grammar cannot start a token with becomes a one-character ``punct``
    token, a run of non-ASCII ones an ``other`` token: the lexer only fails on a string that
    never closes (:class:`UnterminatedString`); the SPARQL parser reports other syntax errors.

    >>> [(t.kind, t.text) for t in tokenize('ASK { ?s ex:p "x"@fr }')]  # doctest: +NORMALIZE_WHITESPACE
    [('word', 'ASK'), ('punct', '{'), ('var', '?s'), ('pname', 'ex:p'), ('string', '"x"'),
     ('langtag', '@fr'), ('punct', '}')]
    """
    return list(iter_tokens(text))


def iter_tokens(text: str, what: str = "query") -> Iterator[Token]:
    """:func:`tokenize` as a generator, for checks that may stop early (see :func:`check_nesting`);
    ``what`` (query or update) is what an :class:`UnterminatedString` calls the text."""
    position = 0
    length = len(text)
    no_colon_until = -1  # positions before this are inside a name run that is not followed by ':'
    single = _SINGLE_PUNCT
    while position < length:
        char = text[position]
        if char in single:  # the most common tokens, and the cheapest to recognise
            yield Token("punct", char, position)
            position += 1
            continue
        pattern = _TOKEN
        if position < no_colon_until:
            pattern = _TOKEN_IN_RUN
        elif _NAME_START.match(text, position):
            run = _NAME_RUN.match(text, position)
            assert run is not None  # a starred class: matches, if only the empty string
            run_end = run.end()
            if not text.startswith(":", run_end):
                no_colon_until = run_end
                pattern = _TOKEN_IN_RUN
        match = pattern.match(text, position)
        assert match is not None  # both patterns end with a punct alternative that matches any character
        kind = match.lastgroup or "punct"
        if kind == "unterminated" or kind == "unterminated1":
            raise UnterminatedString(text, position, match.group(), what)
        if kind != "ws" and kind != "comment":
            yield Token(_KIND_NAMES.get(kind, kind), match.group(), position)
        position = match.end()


# --- nesting ------------------------------------------------------------------------------
# Oxigraph parses and evaluates queries recursively: 3,000 nested groups, 8,000 OPTIONALs or
# 30,000 '!' overflow its stack and kill the process (SIGSEGV). The depth below follows the
# tree the engine builds: every bracket opens a level, and inside a group every operator that
# wraps what comes before it (OPTIONAL, MINUS, UNION, BIND, FILTER, VALUES, '!', '&&', '||',
# arithmetic, path '/' '|' '^') adds one, because the algebra of ``A OPTIONAL B OPTIONAL C`` is
# LeftJoin(LeftJoin(A, B), C) and ``!!x`` is Not(Not(x)).
_OPENERS = frozenset({"{", "(", "[", "<<", "<<(", "{|"})
_CLOSERS = frozenset({"}", ")", "]", ">>", ")>>", "|}"})
_CHAIN_WORDS = frozenset({"OPTIONAL", "MINUS", "UNION", "BIND", "FILTER", "VALUES"})
_CHAIN_PUNCT = frozenset({"!", "&&", "||", "|", "/", "^", "+", "-", "*"})


class TooDeep(CtairError, ValueError):
    """The query (or update: ``kind``) nests deeper than the limit; ``offset`` is where the
    limit was passed, at ``line`` and ``column``."""

    status, code = 400, "query-too-deep"

    def __init__(self, limit: int, text: str, offset: int, kind: str = "query"):
        self.limit, self.offset = limit, offset
        self.line, self.column = line_column(text, offset)
        super().__init__(
            f"the {kind} nests deeper than the limit of {limit} levels (brackets, OPTIONAL, UNION, "
            f"FILTER, operators…) at line {self.line}, column {self.column}; flatten it"
        )

    def extra(self) -> dict[str, Any]:
        return {"limit": self.limit, "line": self.line, "column": self.column}


def check_nesting(
    tokens: Iterator[Token] | list[Token], limit: int, text: str = "", kind: str = "query"
) -> list[Token]:
    """The tokens (of ``text``, a ``kind``), once checked that the nesting depth never passes ``limit``.

    Stops at the first token beyond the limit (so a hostile query costs little), raising
    :class:`TooDeep` with its position.

    >>> len(check_nesting(tokenize('SELECT ?s { OPTIONAL { ?s ?p ?o } }'), 3))
    10
    >>> query = 'ASK { FILTER(!!!true) }'
    >>> check_nesting(tokenize(query), 5, query)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    TooDeep: the query nests deeper than the limit of 5 levels (...) at line 1, column 16; flatten it
    """
    kept: list[Token] = []
    wrapped = [0]  # per open group: the operators seen in it so far (index 0: the top level)
    depth = 0
    for token in tokens:
        kept.append(token)
        kind, text = token.kind, token.text
        if kind == "punct":
            if text in _OPENERS:
                wrapped.append(0)
                depth += 1
            elif text in _CLOSERS:
                if len(wrapped) > 1:
                    depth -= 1 + wrapped.pop()
                continue
            elif text in _CHAIN_PUNCT:
                wrapped[-1] += 1
                depth += 1
            else:
                continue
        elif kind == "word" and text.upper() in _CHAIN_WORDS:
            wrapped[-1] += 1
            depth += 1
        else:
            continue
        if depth > limit:
            raise TooDeep(limit, text, token.start, kind)
    return kept


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


class DatasetConflict(CtairError, ValueError):
    status, code = 400, "dataset-conflict"
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
