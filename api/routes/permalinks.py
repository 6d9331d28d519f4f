"""Short permalinks for the query page: a query stored under a short content-addressed id.

``POST /api/permalinks`` (the query as the body, ``application/sparql-query`` or a form field
``query=``) stores it under the first 12 hex digits of its SHA-256 and answers
``{"id", "url"}``; the same query always gets the same id. ``GET /q/{id}`` answers 303 to the
query page with the query in its URL. The files live in ``permalinks/`` beside the store
directory (``var/permalinks`` for ``var/store``), so they outlive a rebuild of the store.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse

from ..errors import ApiError
from ..state import app_state

router = APIRouter(tags=["named queries"])
_ID = re.compile(r"^[0-9a-f]{12}$")


def permalinks_directory(request: Request) -> Path:
    return Path(app_state(request).store_path).resolve().parent / "permalinks"


@router.post("/api/permalinks", summary="Store a query under a short, content-addressed id")
async def make_permalink(request: Request) -> dict:
    try:
        body = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "the body is not valid UTF-8", code="bad-encoding") from None
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    text = parse_qs(body).get("query", [""])[0] if media == "application/x-www-form-urlencoded" else body
    if not text.strip():
        raise ApiError(
            400,
            "send the query as the body (application/sparql-query) or as the form field 'query'",
            code="missing-query",
        )
    limit = app_state(request).settings.max_query_length
    if len(text) > limit:
        raise ApiError(
            413, f"the query is {len(text)} characters long; the limit is {limit}", code="query-too-long", limit=limit
        )
    identifier = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    directory = permalinks_directory(request)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{identifier}.rq"
    if not path.exists():
        path.write_text(text, encoding="utf-8")
    return {"id": identifier, "url": f"/q/{identifier}"}


@router.get("/q/{identifier}", summary="Open a stored query in the query page", include_in_schema=False)
def open_permalink(identifier: str, request: Request) -> RedirectResponse:
    path = permalinks_directory(request) / f"{identifier}.rq"
    if not _ID.match(identifier) or not path.is_file():
        raise ApiError(404, f"no stored query {identifier!r}", code="not-found")
    query = path.read_text(encoding="utf-8")
    return RedirectResponse("/?" + urlencode({"query": query}), status_code=303)
