"""Run the ctair web server with every option the tests and benchmarks need.

    python -m ctair.cli.server STORE [--port N] [--workers N] [--log-level LEVEL] [--allow-update] …

The same server as ``ctair serve`` (:func:`ctair.api.server.serve`), with the worker count and
the log level, and with options left unset (``None``) falling back to the environment
(``CTAIR_*``, see :mod:`ctair.settings`), so that a test decides the settings through the
environment (``tests/serving.py``). STORE is an embedded store directory or the ``http(s)://``
URL of a SPARQL server (a remote store, see ``docs/remote-store.md``;
``--query-url``/``--update-url``/``--gsp-url`` as for ``ctair``).
"""

from __future__ import annotations

import argparse
import sys

from ctair.api.server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ctair.cli.server", description=__doc__.splitlines()[0])
    parser.add_argument(
        "store",
        nargs="?",
        help="Oxigraph store directory or http(s):// URL of a SPARQL server (default: setting `store`)",
    )
    for name in ("query", "update", "gsp"):
        parser.add_argument(f"--{name}-url", default=None, help=f"remote store: the SPARQL {name} endpoint URL")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--allow-update", action="store_true", default=None)
    parser.add_argument("--admin-token", default=None)
    parser.add_argument("--query-timeout", type=float, default=None)
    parser.add_argument("--workers", type=int, default=None, help="SPARQL worker processes")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    serve(
        args.store,
        args.host,
        args.port,
        allow_update=args.allow_update,
        admin_token=args.admin_token,
        query_timeout=args.query_timeout,
        workers=args.workers,
        log_level=args.log_level,
        query_url=args.query_url,
        update_url=args.update_url,
        gsp_url=args.gsp_url,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
