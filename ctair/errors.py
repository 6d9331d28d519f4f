"""The root of every error ctair raises on purpose.

A ``CtairError`` knows how it reaches a person: ``status`` is the HTTP status the API answers
with, ``code`` the stable machine-readable code of the error body (``api/errors.py``), and the
message names what was wrong and where (file and line, parameter, query position). The API has one
handler for the whole family and the CLI one catch; anything else that escapes is a bug, and looks
like one (a 500 / a traceback), never like a bad request.

Subclasses keep their historical second base (``ValueError``, ``LookupError``…) so that code and
tests catching those still work.
"""

from __future__ import annotations

from typing import Any, ClassVar


class CtairError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal"
    exit_status: ClassVar[int] = 2  # of the ``ctair`` command: 2 as argparse's usage errors

    def extra(self) -> dict[str, Any]:
        """Fields added to the API's error body (e.g. the offending ``parameter``)."""
        return {}

    def headers(self) -> dict[str, str]:
        """HTTP headers of the answer (e.g. ``Retry-After``)."""
        return {}
