"""Dependencies shared by the REST routes: the read-only store and the entity index.

The REST API only runs ctair's own named queries (bounded, fast), so it reads the store in
the server process from sync handlers (FastAPI runs them in its thread pool; each query's
results are consumed on the thread that made them). User-written SPARQL goes to /sparql and
its killable worker processes instead.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from ctair.graph.entities import EntityIndex
from ctair.graph.search import SearchIndex
from ctair.graph.store import OxigraphStore, Store

_lock = threading.Lock()


def get_store(request: Request) -> Store:
    """The store of this request: one handle for the whole request, on the build directory the
    store link points to when the request starts. A rebuild (a new link target) is picked up by
    the next request; requests in flight keep the handle they got (and its lease, so that the
    build directory is not deleted under them)."""
    state = request.app.state
    if getattr(state, "remote_store", None) is not None:
        return state.store
    generation = Path(os.path.realpath(state.store_path))
    with _lock:
        if getattr(state, "store", None) is None or getattr(state, "store_generation", None) != generation:
            state.store = OxigraphStore(generation, read_only=True)
            state.store_generation = generation
            state.void_cache = None
        return state.store


def get_index(request: Request, store: Annotated[Store, Depends(get_store)]) -> EntityIndex:
    """The entity index of this request's store (built once per store object)."""
    state = request.app.state
    with _lock:
        cached = getattr(state, "entity_index", None)
        if cached is None or cached[0] is not store:
            state.entity_index = cached = (store, EntityIndex(store))
        return cached[1]


def get_search_index(request: Request, store: Annotated[Store, Depends(get_store)],
                     index: Annotated[EntityIndex, Depends(get_index)]):
    from ctair.graph.search import SearchIndex

    state = request.app.state
    with _lock:
        if getattr(state, "search_index", None) is None:
            state.search_index = SearchIndex(store, index)
        return state.search_index


def store_changed(app) -> None:
    """Call after the store was written (SPARQL Update): the next request reopens the embedded
    store (a read-only handle does not see later writes) and rebuilds the entity index, the
    network data and the remote store's dump fingerprint."""
    with _lock:
        if getattr(app.state, "remote_store", None) is None:
            app.state.store = None
        app.state.entity_index = None
        app.state.search_index = None
        app.state.network_cache = None
        app.state.remote_fingerprint = None


StoreDep = Annotated[Store, Depends(get_store)]
IndexDep = Annotated[EntityIndex, Depends(get_index)]
SearchDep = Annotated[SearchIndex, Depends(get_search_index)]
