"""The dataset as a whole: its VoID/DCAT description (``/.well-known/void``), the dumps
(``/dumps/``), the published JSON-LD context (``/context.jsonld``) and the ontology at its
namespace IRI (``/ontology``: Turtle, or the pyLODE documentation page).

Dumps are written on first request into ``<store>-dumps/`` next to the store and rewritten when
the store's files change (a fingerprint of their names, sizes and modification times). On a
remote store they go to ``ctair-dumps-<hash of its URL>/`` in the system's temporary directory
and are rewritten when its named graphs or their sizes change.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import logging
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from ctair.api.deps import StoreDep
from ctair.api.errors import ApiError
from ctair.api.html import html_response, security_headers
from ctair.api.links import context_url, site_url
from ctair.api.results import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, Format, choose, negotiate
from ctair.api.state import AppState, app_state
from ctair.graph.describe import jsonld_context, serialize
from ctair.graph.dump import (
    DUMP_FORMATS,
    DumpFile,
    content_fingerprint,
    export_dump,
    read_dump_directory,
    store_fingerprint,
)
from ctair.graph.store import Store
from ctair.graph.terms import serialized
from ctair.graph.void import VOID_PATH, VOID_PREFIXES, dataset_iri, void_description  # noqa: F401 (re-export)
from ctair.ontology.vocab import ONTOLOGY_FILES

router = APIRouter(include_in_schema=False)
_lock = threading.Lock()
log = logging.getLogger("ctair.api.dataset")
RDF_OFFERS = (TURTLE, JSONLD, NTRIPLES, RDFXML)
EXTENSIONS = {"ttl": TURTLE, "jsonld": JSONLD, "nt": NTRIPLES, "rdf": RDFXML, "html": HTML}


def dumps_directory(store_path: Path) -> Path:
    return store_path.parent / f"{store_path.name}-dumps"


def _dump_place(state: AppState, store: Store) -> tuple[Path, str]:
    """Where the current store's dumps go, and the fingerprint of the content they must match."""
    remote = state.remote_store
    if remote is None:  # the fingerprint of the build this request's handle reads, not of the link
        return dumps_directory(state.store_path), store_fingerprint(Path(store.location))
    name = hashlib.sha256(remote.query_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"ctair-dumps-{name}", _remote_fingerprint(state, store)


REMOTE_FINGERPRINT_SECONDS = 30.0


def _remote_fingerprint(state: AppState, store: Store) -> str:
    """The remote store's content fingerprint, asked at most every 30 s: it is an aggregate over
    every quad, too costly for each request to /dumps/ or /.well-known/void on a large server.
    (An update through ctair clears it: :meth:`ctair.api.state.AppState.invalidate`.)"""
    cached = state.remote_fingerprint
    now = time.monotonic()
    if cached is None or now - cached[0] > REMOTE_FINGERPRINT_SECONDS:
        cached = state.remote_fingerprint = (now, content_fingerprint(store))
    return cached[1]


def ensure_dumps(request: Request, store) -> list[DumpFile]:
    """The dump files of the current store, (re)written when missing or stale."""
    state = app_state(request)
    out, fingerprint = _dump_place(state, store)
    with _lock:
        stamp = out / "FINGERPRINT"
        if stamp.exists() and stamp.read_text() == fingerprint:
            found = read_dump_directory(out)
            if len(found) == len(DUMP_FORMATS):
                return found
        try:
            dumps = export_dump(store, out, list(DUMP_FORMATS), base=state.settings.base_iri)
            stamp.write_text(fingerprint)
        except OSError as error:  # export_dump leaves no .part behind; the stamp says nothing stale
            stamp.unlink(missing_ok=True)
            log.error("cannot write the dumps into %s: %s", out, error)
            status, code = (507, "storage-full") if error.errno == errno.ENOSPC else (503, "dumps-unavailable")
            raise ApiError(
                status, f"the dumps cannot be written on the server ({error.strerror or error}); retry later", code=code
            ) from None
        state.void_cache = None
        return dumps


def _store_times(state: AppState, dumps: list[DumpFile]) -> tuple[datetime, datetime]:
    """(issued, modified): from the store's files; for a remote store, when its current content was dumped."""
    if state.remote_store is None:
        store_path = Path(state.store_generation or state.store_path)
        times = [
            p.stat().st_mtime for p in store_path.iterdir() if p.is_file() and not p.name.startswith(("LOG", "LOCK"))
        ]
    else:
        times = [d.path.stat().st_mtime for d in dumps if d.path.exists()]
    times = times or [datetime.now(UTC).timestamp()]
    return (datetime.fromtimestamp(min(times), UTC), datetime.fromtimestamp(max(times), UTC))


@router.get(VOID_PATH)
def void(request: Request, store: StoreDep) -> Response:
    """VoID + DCAT description of the dataset (Turtle by default)."""
    fmt = negotiate(request.headers.get("accept"), RDF_OFFERS, "the dataset description")
    dumps = ensure_dumps(request, store)
    state = app_state(request)
    key = (site_url(request), tuple(d.sha256 for d in dumps))
    cache = state.void_cache
    if cache is None or cache[0] != key:
        issued, modified = _store_times(state, dumps)
        triples = void_description(
            store, state.settings.base_iri, site_url=site_url(request), dumps=dumps, modified=modified, issued=issued
        )
        state.void_cache = cache = (key, triples)
    triples = cache[1]
    if fmt.key == "jsonld":
        body = serialize(triples, "jsonld", base=state.settings.base_iri, context_url=context_url(request))
    else:
        body = serialized(
            ox.serialize(
                triples, format=fmt.rdf_format, prefixes=VOID_PREFIXES if fmt.key in ("turtle", "rdfxml") else None
            )
        )
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


@router.get("/dumps/", response_class=HTMLResponse)
def dumps_index(request: Request, store: StoreDep) -> Response:
    dumps = ensure_dumps(request, store)
    rows = [{**d.to_json(), "description": DUMP_FORMATS[d.format][2]} for d in dumps]
    if choose(request.headers.get("accept"), (HTML, _JSON)) is _JSON:
        return Response(json.dumps({"files": rows, "checksums": "SHA256SUMS"}), media_type="application/json")
    return html_response(request, "dumps.html", {"kind": "dumps", "rows": rows})


_JSON = Format("json", "application/json", ("application/json",))


@router.get("/dumps/{name}")
def dump_file(name: str, request: Request, store: StoreDep) -> Response:
    found = ensure_dumps(request, store)
    dumps = {d.name: d for d in found}
    if name == "SHA256SUMS":
        return FileResponse(found[0].path.parent / name, media_type="text/plain; charset=utf-8")
    if name not in dumps:
        raise ApiError(404, f"no dump file {name!r}; files: {', '.join(sorted(dumps))}, SHA256SUMS")
    dump = dumps[name]
    media_type = dump.media_type + ("; charset=utf-8" if dump.media_type.startswith("text/") else "")
    return FileResponse(
        dump.path,
        media_type=media_type,
        filename=name,
        headers={"Digest": f"sha-256={_b64(dump.sha256)}", "X-Checksum-Sha256": dump.sha256},
    )


def _b64(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()


@router.get("/context.jsonld")
def context(request: Request) -> Response:
    body = json.dumps(jsonld_context(app_state(request).settings.base_iri), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/ld+json", headers={"Access-Control-Allow-Origin": "*"})


# --- the ontology at its namespace ----------------------------------------------------------------

_ontology_html: dict[str, str] = {}


def ontology_html() -> str:
    """The ontology's documentation, rendered by pyLODE (OntPub) once per process."""
    if "page" not in _ontology_html:
        root_logger = logging.getLogger()
        level, handlers = root_logger.level, list(root_logger.handlers)
        from pylode import OntPub  # pyLODE configures the root logger on import: put it back

        root_logger.setLevel(level)
        root_logger.handlers[:] = handlers
        _ontology_html["page"] = polish_ontology_page(OntPub(ontology=str(ONTOLOGY_FILES["ontology"])).make_html())
    return _ontology_html["page"]


_SITE_NAV = (
    '<nav class="ctair-site" aria-label="Navigation principale"><a class="brand" href="/">ctair</a> '
    '<a href="/territories">Territoires</a> <a href="/organisations">Organisations</a> '
    '<a href="/network">Réseau</a> <a href="/">SPARQL</a> <a href="/search">Recherche</a> '
    '<a href="/dumps/">Téléchargements</a></nav>'
)
_NARROW_STYLE = (
    "<style>nav.ctair-site{display:flex;flex-wrap:wrap;gap:.4rem 1rem;padding:.5rem 1rem;background:#f6f8fa;"
    "border-bottom:1px solid #d0d7de;font:15px system-ui,sans-serif}nav.ctair-site .brand{font-weight:700}"
    "body{overflow-wrap:anywhere}table{max-width:100%}code{word-break:break-all}"
    "@media (max-width:40rem){body{margin:0!important;padding:0 .5rem!important;width:auto!important}"
    "#pylode{display:none}#toc{position:static!important;width:auto!important}"
    "#content{margin:0!important;padding:0 .6rem!important;width:auto!important}}</style>"
)


def polish_ontology_page(html: str) -> str:
    """pyLODE's page, made one of the site's: the site navigation, a viewport for phones, and the
    French label then the English one in parentheses (pyLODE runs them together:
    "TerritoireTerritory")."""
    from rdflib import Graph
    from rdflib import Literal as RdfLiteral
    from rdflib.namespace import DCTERMS, RDFS, SKOS

    graph = Graph().parse(ONTOLOGY_FILES["ontology"], format="turtle")
    pairs = set()
    for predicate in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
        for subject in set(graph.subjects(predicate, None)):
            labels = {
                lit.language: str(lit) for lit in graph.objects(subject, predicate) if isinstance(lit, RdfLiteral)
            }
            if labels.get("fr") and labels.get("en") and labels["fr"] != labels["en"]:
                pairs.add((labels["fr"], labels["en"]))
    for french, english in sorted(pairs, key=lambda p: -len(p[0] + p[1])):
        html = html.replace(french + english, f'{french} <span lang="en">({english})</span>')
    html = html.replace("<html>", '<html lang="fr">', 1)
    html = html.replace("<head>", '<head>\n    <meta name="viewport" content="width=device-width, initial-scale=1">', 1)
    html = html.replace("</head>", _NARROW_STYLE + "</head>", 1)
    return html.replace("<body>", "<body>" + _SITE_NAV, 1)


def _ontology(fmt) -> Response:
    if fmt is HTML:  # pyLODE's page styles itself inline; its one script is JSON-LD data, never run
        return HTMLResponse(ontology_html(), headers={"Vary": "Accept", **security_headers(inline_styles=True)})
    text = ONTOLOGY_FILES["ontology"].read_bytes()
    if fmt is TURTLE:
        return Response(text, media_type=TURTLE.content_type, headers={"Vary": "Accept"})
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(text, format=ox.RdfFormat.TURTLE)]
    if fmt is JSONLD:
        return Response(
            serialize(triples, "jsonld", context_url="https://w3id.org/ctair/context.jsonld"),
            media_type=JSONLD.content_type,
            headers={"Vary": "Accept"},
        )
    return Response(
        ox.serialize(triples, format=fmt.rdf_format), media_type=fmt.content_type, headers={"Vary": "Accept"}
    )


@router.get("/ontology")
def ontology(request: Request) -> Response:
    """``https://w3id.org/ctair/ontology#…``: the documentation for browsers, the Turtle for RDF clients."""
    return _ontology(negotiate(request.headers.get("accept"), (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML), "the ontology"))


@router.get("/ontology.{ext}")
def ontology_file(ext: str) -> Response:
    if ext not in EXTENSIONS:
        raise ApiError(404, f"no ontology file .{ext}; extensions: {', '.join(EXTENSIONS)}")
    return _ontology(EXTENSIONS[ext])
