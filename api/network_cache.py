"""The network facts of one store object, read once, and the JSON bodies the network API
computed from them (kept per store: a new store object after a rebuild gets a new cache)."""

from __future__ import annotations

import json
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable

from ctair.graph.network import NetworkData
from ctair.graph.store import Store

CACHED_BODIES = 64  # JSON bodies kept per store (each a few kB to a few MB)


class NetworkCache:
    """The NetworkData of one store object, and the JSON bodies computed from it."""

    def __init__(self, store: Store, data: NetworkData):
        self.store = weakref.ref(store) if _weakrefable(store) else (lambda: store)
        self.data = data
        self.bodies: OrderedDict[tuple, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def body(self, key: tuple, compute: Callable[[], object]) -> bytes:
        with self.lock:
            if key in self.bodies:
                self.bodies.move_to_end(key)
                return self.bodies[key]
        body = json.dumps(compute(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        with self.lock:
            self.bodies[key] = body
            while len(self.bodies) > CACHED_BODIES:
                self.bodies.popitem(last=False)
        return body


def _weakrefable(value) -> bool:
    try:
        weakref.ref(value)
    except TypeError:
        return False
    return True
