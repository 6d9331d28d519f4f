"""Where things are: the IRI a ``/doc/…`` path is about, the local path of an IRI this server
describes, and where a link to an IRI goes. Addresses come from the configured settings
(``base_iri``, ``public_url``), never from the Host header."""

from __future__ import annotations

from fastapi import Request
from pyoxigraph import NamedNode

from ctair.api.errors import ApiError
from ctair.api.html import root
from ctair.api.state import app_state
from ctair.graph.describe import VOCABULARY_SEGMENTS
from ctair.ontology.vocab import CTAIR, VOCAB_BASE


def base_of(request: Request) -> str:
    return app_state(request).settings.base_iri


def site_url(request: Request) -> str:
    """Where this server is reached: the configured ``public_url``, never the Host header."""
    return app_state(request).settings.site_url()


def context_url(request: Request) -> str:
    return site_url(request) + "/context.jsonld"


def named_node(iri: str, path: str) -> NamedNode:
    """``iri`` as a NamedNode; 404 when the path makes it an invalid IRI (a space, '<', '|',
    '\\', invalid UTF-8 decoded as U+FFFD...): no resource can have it."""
    try:
        return NamedNode(iri)
    except ValueError:
        raise ApiError(404, f"no resource at /{path}: the path does not make a valid IRI") from None


def iri_of_path(request: Request, path: str) -> NamedNode:
    """The IRI a ``/doc/{path}`` document is about, or 404."""
    first = path.split("/", 1)[0]
    if first == "id" and path.startswith("id/") and len(path) > 3:
        return named_node(base_of(request) + path, path)
    if first in VOCABULARY_SEGMENTS:
        return named_node(VOCAB_BASE + path, path)
    raise ApiError(
        404,
        f"no resource at /{path}: resource IRIs are under /id/ or a vocabulary path "
        f"({', '.join('/' + s + '/' for s in VOCABULARY_SEGMENTS)})",
    )


def path_of_iri(request: Request, iri: str) -> str | None:
    """The local document path ('id/…', 'axis/…') of an IRI this server describes, or None."""
    base = base_of(request)
    if iri.startswith(base + "id/"):
        return iri[len(base) :]
    if iri.startswith(VOCAB_BASE):
        rest = iri[len(VOCAB_BASE) :]
        if rest.split("/", 1)[0] in VOCABULARY_SEGMENTS:
            return rest
    return None


def href(request: Request, iri: str) -> str:
    """Where a link to ``iri`` goes: this server's page for ours, the IRI itself otherwise."""
    path = path_of_iri(request, iri)
    if path is not None:
        return f"{root(request)}/doc/{path}"
    if iri.startswith(CTAIR.iri):
        return f"{root(request)}/ontology#{iri[len(CTAIR.iri) :]}"
    return iri
