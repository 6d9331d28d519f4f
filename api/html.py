"""Every HTML page of the app goes out through :func:`html_response`: one Jinja environment
(``api/templates``, and ``api/templates/lod`` for the Linked Data pages, which extend
``base.html`` by that short name), and one set of security headers.

The Content-Security-Policy is one policy: nothing from another origin, ever. A page opens it
only as far as it needs, and says so where it is served: ``scripts`` for the pages that run
the app's own scripts (the query page, the network), ``inline_styles`` for the query page
alone (YASGUI and DataTables set style attributes).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

API_DIR = Path(__file__).resolve().parent
STATIC_DIR = API_DIR / "static"
TEMPLATES_DIR = API_DIR / "templates"
TEMPLATES = Jinja2Templates(directory=[TEMPLATES_DIR, TEMPLATES_DIR / "lod"])


def content_security_policy(*, scripts: bool = False, inline_styles: bool = False) -> str:
    """The one policy, opened for the app's own scripts (and their ``fetch`` to this origin)
    and for inline styles only when a page asks.

    >>> "script-src" in content_security_policy()
    False
    >>> content_security_policy(scripts=True).startswith("default-src 'self'; script-src 'self'")
    True
    """
    return "; ".join(
        [
            "default-src 'self'" if scripts else "default-src 'none'",
            *(
                ["script-src 'self'", "connect-src 'self'", "font-src 'self' data:", "object-src 'none'"]
                if scripts
                else []
            ),
            "style-src 'self' 'unsafe-inline'" if inline_styles else "style-src 'self'",
            "img-src 'self' data:",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(*, scripts: bool = False, inline_styles: bool = False) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(scripts=scripts, inline_styles=inline_styles),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


def root(request: Request) -> str:
    """The app's root path ('' or '/prefix'), for links."""
    return request.scope.get("root_path", "").rstrip("/")


def html_response(
    request: Request,
    template: str,
    context: dict,
    status_code: int = 200,
    *,
    scripts: bool = False,
    inline_styles: bool = False,
) -> HTMLResponse:
    """``template`` rendered with ``context`` (``root`` given unless the context has its own)."""
    context = {"root": root(request), **context}
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    response.headers.update(security_headers(scripts=scripts, inline_styles=inline_styles))
    return response


def static_version(folder: Path = STATIC_DIR) -> str:
    """Changes when an asset of ``folder`` changes, so browsers do not keep a stale script."""
    stamps = [f"{p.name}:{p.stat().st_mtime_ns}" for p in sorted(folder.glob("*.*"))]
    return hashlib.sha256("|".join(stamps).encode()).hexdigest()[:10]
