"""Run the ctair web server (the API, the pages, the SPARQL endpoint) with uvicorn.

``serve()`` is what ``ctair serve`` and ``python -m ctair.cli.server`` call (:mod:`ctair.cli`).
Every setting can also come from the environment (``CTAIR_*``, see :mod:`ctair.settings`).

SIGTERM / SIGINT stop the server promptly: uvicorn stops accepting connections, gives the
requests in flight ``graceful_timeout`` seconds (a SPARQL query still running near its end is
answered 503 ``shutting-down`` in the JSON error shape), then the SPARQL worker processes are
killed (they also die by themselves if the server process is killed: PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import uvicorn

from ctair.api.app import create_app
from ctair.api.state import app_state
from ctair.graph.remote_store import RemoteSparqlStore, is_remote
from ctair.settings import Settings, get_settings


def make_settings(base: Settings | None = None, **overrides: Any) -> Settings:
    """``base`` (default: from the environment) with the non-None ``overrides`` applied, validated."""
    base = base or get_settings()
    values = base.model_dump()
    values.update({key: value for key, value in overrides.items() if value is not None})
    return Settings(**values)


def serve(
    store: Path | str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    allow_update: bool | None = None,
    admin_token: str | None = None,
    query_timeout: float | None = None,
    workers: int | None = None,
    settings: Settings | None = None,
    log_level: str = "info",
    graceful_timeout: float = 2.0,
    query_url: str | None = None,
    update_url: str | None = None,
    gsp_url: str | None = None,
    **overrides: Any,
) -> None:
    """Serve until SIGTERM/SIGINT. ``workers`` is the number of SPARQL worker processes
    (``max_concurrent_queries``; on a remote store, the number of queries sent to it at once);
    other keyword arguments override any other setting."""
    settings = make_settings(
        settings,
        allow_update=allow_update,
        admin_token=admin_token,
        query_timeout=query_timeout,
        max_concurrent_queries=workers,
        **overrides,
    )
    if settings.public_url is None:  # links and redirects name the address served, never the Host header
        shown = f"[{host}]" if ":" in host else host
        settings = make_settings(settings, public_url=f"http://{shown}:{port}")
    log = logging.getLogger("ctair.api")
    spec = str(store or settings.store)
    if is_remote(spec):
        app = create_app(
            settings, remote_store=RemoteSparqlStore(spec, query_url=query_url, update_url=update_url, gsp_url=gsp_url)
        )
    else:
        store_path = Path(spec)
        if not (store_path / "CURRENT").exists():
            log.warning("no Oxigraph store at %s (run `ctair build`): SPARQL queries will answer 503", store_path)
        app = create_app(settings, store_path)
    if settings.allow_update and not settings.admin_token:
        log.warning("allow_update is on but no admin token is set: updates stay refused")
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        lifespan="on",
        timeout_graceful_shutdown=graceful_timeout,  # type: ignore[arg-type]  # uvicorn waits any number of seconds (asyncio)
        # X-Forwarded-* only from the proxies named in `trusted_proxies` (none by default)
        proxy_headers=bool(settings.trusted_proxies.strip()),
        forwarded_allow_ips=settings.trusted_proxies.strip() or "127.0.0.1",
        server_header=False,
    )
    _GracefulServer(config, app, graceful_timeout).run()


class _GracefulServer(uvicorn.Server):
    """On SIGTERM/SIGINT, SPARQL queries still running when the grace period is nearly over are
    answered 503 ``shutting-down`` (the JSON error shape) instead of uvicorn's plain-text 500."""

    def __init__(self, config: uvicorn.Config, app, graceful_timeout: float):
        super().__init__(config)
        self._app = app
        self._grace = graceful_timeout

    def handle_exit(self, sig, frame) -> None:
        runner = app_state(self._app).runner
        loop = getattr(runner, "loop", None)  # the worker pool's: the remote runner has nothing to stop
        if runner is not None and loop is not None and not self.should_exit:
            # answered before uvicorn cancels what is still running at the end of its grace period
            loop.call_soon_threadsafe(runner.begin_shutdown, max(self._grace * 0.75, self._grace - 1.0))
        super().handle_exit(sig, frame)
