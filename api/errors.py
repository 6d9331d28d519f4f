"""One error shape for the whole API.

Every error response (4xx, 5xx), whichever route raised it, has this JSON body::

    {"error": {"status": 400,                 # the HTTP status, repeated
               "code": "query-syntax",        # stable machine-readable reason
               "title": "Bad Request",        # the HTTP reason phrase
               "detail": "error at 1:6: ...", # what went wrong, for a human
               ...}}                          # optional extras, e.g. "line"/"column"
                                              #  of a syntax error, "limit", "allowed"

served as ``application/json``; as an HTML page with the site's navigation when a browser asks
for a page (its preferred media type is ``text/html``; not under ``/api/`` or ``/sparql``, whose
clients are programs); or as ``text/plain; charset=utf-8`` when the client's preferred media
range is another ``text/*`` one (e.g. ``Accept: text/csv``)::

    400 Bad Request (query-syntax)
    error at 1:6: expected ...
    line: 1
    column: 6

Every error ctair raises on purpose is a :class:`ctair.errors.CtairError` and reaches ONE handler
here, which answers with its ``status``, its ``code``, its message as ``detail``, its
``extra()`` fields and its ``headers()`` (e.g. ``Retry-After``): routes do not catch and
re-raise them. :class:`ApiError` is the one a route raises itself (its status and code per
instance). Anything else that escapes is a bug: a 500 ``internal``, logged.

Codes used by the SPARQL endpoint: ``missing-query``, ``multiple-queries``,
``query-syntax``, ``update-syntax``, ``bad-encoding``, ``unsupported-media-type``,
``method-not-allowed``, ``not-acceptable``, ``invalid-graph-iri``, ``dataset-conflict``,
``outbound-request-refused`` (SERVICE / LOAD), ``updates-disabled``, ``unauthorized``,
``forbidden``, ``query-too-long``, ``query-too-deep`` (nesting beyond ``max_query_depth``,
with ``limit``, ``line``, ``column``), ``query-timeout``, ``server-busy``, ``slow-lane-full``
(a client's second slow query), ``shutting-down`` (a query still running at the end of a
shutdown's grace period), ``worker-crashed``, ``query-failed`` (an evaluation error reported
by the store), ``not-found``, ``validation``, ``internal``. Dumps and VoID: ``storage-full``
(507: the disk is full), ``dumps-unavailable``.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ctair.api.html import html_response
from ctair.api.results import parse_accept, prefers_text
from ctair.api.state import app_state
from ctair.errors import CtairError
from ctair.graph.terms import StoreError

log = logging.getLogger("ctair.api")

_CODES_BY_STATUS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    413: "query-too-long",
    415: "unsupported-media-type",
    422: "validation",
    429: "server-busy",
    500: "internal",
    507: "storage-full",
    503: "server-busy",
}


class ApiError(CtairError):
    """Raise anywhere in a route to answer with the standard error shape: a :class:`CtairError`
    whose status and code are the instance's (the other errors' are their class's)."""

    def __init__(
        self, status: int, detail: str, *, code: str | None = None, headers: dict[str, str] | None = None, **extra: Any
    ):
        super().__init__(detail)
        self.status = status  # type: ignore[misc]  # the class attribute's value, per instance
        self.code = code or _CODES_BY_STATUS.get(status, "error")  # type: ignore[misc]
        self._headers = headers or {}
        self._extra = extra

    @property
    def detail(self) -> str:
        return str(self)

    def extra(self) -> dict[str, Any]:
        return self._extra

    def headers(self) -> dict[str, str]:
        return self._headers


def error_body(status: int, detail: str, code: str, **extra: Any) -> dict:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    return {"error": {"status": status, "code": code, "title": title, "detail": detail, **extra}}


def error_response(
    request: Request | None,
    status: int,
    detail: str,
    *,
    code: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    code = code or _CODES_BY_STATUS.get(status, "error")
    body = error_body(status, detail, code, **extra)
    accept = request.headers.get("accept") if request is not None else None
    if request is not None and prefers_html(accept) and not request.url.path.startswith(_PROGRAM_PATHS):
        return _html_error(request, status, detail, body["error"]["title"], headers)
    if prefers_text(accept):
        error = body["error"]
        lines = [f"{status} {error['title']} ({code})", detail]
        lines += [f"{key}: {value}" for key, value in extra.items()]
        return PlainTextResponse("\n".join(lines) + "\n", status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


_PROGRAM_PATHS = ("/api/", "/sparql", "/openapi.json")
_FRENCH_TITLES = {
    400: "Requête incorrecte",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non permise",
    406: "Format non disponible",
    413: "Requête trop longue",
    422: "Paramètres invalides",
    500: "Erreur du serveur",
    502: "Erreur de la base distante",
    503: "Service indisponible",
}


def prefers_html(accept: str | None) -> bool:
    """Whether the client names ``text/html`` as its preferred type (browsers do; ``*/*`` is not enough).

    >>> prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    >>> prefers_html("application/json"), prefers_html(None), prefers_html("*/*")
    (False, False, False)
    """
    accepted = [a for a in parse_accept(accept) if a[1] > 0]
    if not accepted:
        return False
    top = max(accepted, key=lambda a: (a[1], -a[2]))
    return top[0] in ("text/html", "application/xhtml+xml")


def _html_error(request: Request, status: int, detail: str, title: str, headers: dict | None) -> Response:
    response = html_response(
        request,
        "error.html",
        {
            "status": status,
            "title": title,
            "title_fr": _FRENCH_TITLES.get(status, title),
            "detail": detail,
            "kind": "error",
        },
        status_code=status,
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Make every error of ``app`` use the shape above."""

    @app.exception_handler(CtairError)
    async def _ctair_error(request: Request, exc: CtairError) -> Response:
        status, code = exc.status, exc.code
        if isinstance(exc, StoreError) and app_state(request).remote_store is not None:
            # the store failed, not the request: a remote server is a bad gateway
            status, code = 502, "remote-store-error"
        return error_response(request, status, str(exc), code=code, headers=exc.headers(), **exc.extra())

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = dict(exc.headers or {})
        return error_response(request, exc.status_code, detail, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [{"location": list(map(str, e.get("loc", ()))), "message": e.get("msg", "")} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(p['location'])}: {p['message']}" for p in problems) or "invalid request"
        return error_response(request, 422, detail, code="validation", problems=problems)

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal server error; the incident is logged", code="internal")
