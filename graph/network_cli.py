"""``ctair network …`` and ``ctair export …`` (placeholder until the network analysis lands)."""
from __future__ import annotations


def add_network_commands(commands, store_argument, open_store) -> None:
    """Add the network and export sub-commands; ``open_store(args)`` opens the store read-only."""
