"""What the app keeps between requests: one :class:`AppState`, the only attribute the app puts
on ``app.state`` (``app.state.ctair``). Read it with :func:`app_state` (or the ``StateDep``
dependency of :mod:`ctair.api.deps`).

It holds the settings, where the store is, the SPARQL runner (started by the lifespan of
:mod:`ctair.api.sparql`), and the caches of what was read from the current store. When the
store changes (a SPARQL Update through ``/sparql``, or a rebuild the store link now points to),
:meth:`AppState.invalidate` is the one place that drops them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request

from ctair.settings import Settings

if TYPE_CHECKING:
    from ctair.api.network_cache import NetworkCache
    from ctair.api.query_runner import QueryRunner
    from ctair.graph.entities import EntityIndex
    from ctair.graph.remote_store import RemoteSparqlStore
    from ctair.graph.search import SearchIndex
    from ctair.graph.store import Store


@dataclass(eq=False)
class AppState:
    settings: Settings
    store_path: Path  # the embedded store's link (a rebuild points it to a new build directory)
    remote_store: RemoteSparqlStore | None = None  # the remote SPARQL server, when the app serves one
    runner: QueryRunner | None = None  # runs /sparql queries; None outside the lifespan

    # -- the current store and what was read from it (see invalidate) -------------------------
    store: Store | None = None  # this build's read-only handle (or the remote store)
    store_generation: Path | None = None  # the build directory ``store`` reads
    entity_index: tuple[Store, EntityIndex] | None = None  # with the store it was built from
    search_index: tuple[Store, SearchIndex] | None = None
    network_cache: NetworkCache | None = None
    void_cache: tuple[Any, Any] | None = None  # (key, the VoID triples)
    remote_fingerprint: tuple[float, str] | None = None  # (when asked, the remote content's fingerprint)

    #: held while a cache above is read or replaced
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.remote_store is not None:
            self.store = self.remote_store

    @property
    def is_remote(self) -> bool:
        return self.remote_store is not None

    def invalidate(self) -> None:
        """The store was written (a SPARQL Update): the next request reopens the embedded store
        (a read-only handle does not see later writes) and everything read from the store is
        read again (the entity and search indexes, the network data, the VoID description, the
        remote store's dump fingerprint)."""
        with self.lock:
            if not self.is_remote:
                self.store = None
            self.forget_store_caches()

    def forget_store_caches(self) -> None:
        """Drop what was read from the store (the caller holds :attr:`lock`)."""
        self.entity_index = None
        self.search_index = None
        self.network_cache = None
        self.void_cache = None
        self.remote_fingerprint = None


def app_state(request_or_app: Request | FastAPI) -> AppState:
    app = request_or_app.app if isinstance(request_or_app, Request) else request_or_app
    return app.state.ctair
