"""Dependencies shared by the routes: the app's state, the read-only store and the entity index.

The REST API only runs ctair's own named queries (bounded, fast), so it reads the store in
the server process from sync handlers (FastAPI runs them in its thread pool; each query's
results are consumed on the thread that made them). User-written SPARQL goes to /sparql and
its killable worker processes instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from ctair.api.state import AppState, app_state
from ctair.graph.entities import EntityIndex
from ctair.graph.search import SearchIndex
from ctair.graph.store import OxigraphStore, Store


def get_state(request: Request) -> AppState:
    return app_state(request)


StateDep = Annotated[AppState, Depends(get_state)]


def get_store(state: StateDep) -> Store:
    """The store of this request: one handle for the whole request, on the build directory the
    store link points to when the request starts. A rebuild (a new link target) is picked up by
    the next request; requests in flight keep the handle they got (and its lease, so that the
    build directory is not deleted under them)."""
    if state.remote_store is not None:
        return state.remote_store
    generation = Path(os.path.realpath(state.store_path))
    with state.lock:
        if state.store is None or state.store_generation != generation:
            if state.store_generation != generation:
                state.forget_store_caches()  # read from the build the link pointed to before
            state.store = OxigraphStore(generation, read_only=True)
            state.store_generation = generation
        return state.store


def get_index(state: StateDep, store: Annotated[Store, Depends(get_store)]) -> EntityIndex:
    """The entity index of this request's store (built once per store object)."""
    with state.lock:
        cached = state.entity_index
        if cached is None or cached[0] is not store:
            state.entity_index = cached = (store, EntityIndex(store))
        return cached[1]


def get_search_index(
    state: StateDep, store: Annotated[Store, Depends(get_store)], index: Annotated[EntityIndex, Depends(get_index)]
) -> SearchIndex:
    """The search index of this request's store (built once per store object)."""
    with state.lock:
        cached = state.search_index
        if cached is None or cached[0] is not store:
            state.search_index = cached = (store, SearchIndex(store, index))
        return cached[1]


StoreDep = Annotated[Store, Depends(get_store)]
IndexDep = Annotated[EntityIndex, Depends(get_index)]
SearchDep = Annotated[SearchIndex, Depends(get_search_index)]
