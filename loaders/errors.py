"""The one error type for bad input files: it always names the file and, where known, the line."""

from __future__ import annotations

from pathlib import Path

from ctair.errors import CtairError


class InputError(CtairError):
    """A source or curation file is wrong; the message names the file and line."""

    status, code = 400, "bad-input"

    def __init__(self, path: Path | str, reason: str, line: int | None = None):
        self.path = Path(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {reason}")


def line_of(text: str, needle: str) -> int | None:
    """1-based line of the first line that starts with ``needle`` (after blanks), to point at a TOML key."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(needle):
            return number
    return None
