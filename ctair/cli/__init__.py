"""The ``ctair`` command line (the console script ``ctair``, or ``python -m ctair.cli``).

Every error ctair raises on purpose (:class:`ctair.errors.CtairError`) is caught here, once: one
line on stderr, ``ctair: error: …``, and the error's exit status (2, as argparse's usage errors;
1 for a name that matches nothing). Anything else that escapes is a bug and shows its traceback.
"""

from __future__ import annotations

import sys

from ctair.errors import CtairError

from .commands import make_parser

__all__ = ["main", "make_parser"]


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except CtairError as error:
        print(f"ctair: error: {error}", file=sys.stderr)
        return error.exit_status
    except SyntaxError as error:  # pyoxigraph's, for a query file that is not SPARQL
        print(f"ctair: SPARQL syntax error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ctair: interrupted", file=sys.stderr)
        return 130
    except OSError as error:  # a full disk, a read-only directory...: one line naming the path
        where = f"{error.filename}: " if error.filename else ""
        reason = error.strerror or " ".join(str(error).split())
        print(f"ctair: error: {where}{reason}", file=sys.stderr)
        return 1
