"""The corpus: documents, each described by a TOML manifest beside it (``NAME.toml`` for ``NAME.txt``).

Adding a document of a known kind is dropping the file and its manifest in the corpus
directory; nothing else changes.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import InputError, line_of
from .records import SourceDocument


@dataclass(frozen=True)
class CorpusDocument:
    source: SourceDocument
    path: Path
    text: str


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file; a syntax error becomes an InputError with the file and line."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read: {error}") from error
    raw = decode_utf8(path, content)
    try:
        return tomllib.loads(raw), raw
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise InputError(path, f"not valid TOML: {error}", int(match.group(1)) if match else None) from error


def decode_utf8(path: Path, content: bytes) -> str:
    """``content`` as UTF-8; invalid bytes are an InputError with their line and column."""
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        column = error.start - (content.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError(
            path,
            f"not UTF-8 text: invalid byte 0x{content[error.start]:02x} at column {column} (byte offset {error.start})",
            line,
        ) from error


def validation_error(path: Path, raw: str, error: ValidationError, prefix: str = "") -> InputError:
    """Turn the first pydantic error into an InputError pointing at the offending key's line."""
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    leaf = str(first["loc"][-1]) if first["loc"] else ""
    if first["type"] == "missing":  # nothing to point at: name the line where the table starts
        return InputError(path, f"{prefix}{key} is missing: add `{leaf} = …`", _first_key_line(raw))
    return InputError(path, f"{prefix}{key}: {first['msg']}", line_of(raw, f"{leaf} ") or line_of(raw, f"{leaf}="))


def _first_key_line(raw: str) -> int:
    """The first line that is neither blank nor a comment (1 for an empty file)."""
    for number, line in enumerate(raw.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            return number
    return 1


def read_manifest(path: Path) -> SourceDocument:
    data, raw = read_toml(path)
    try:
        return SourceDocument.model_validate(data)
    except ValidationError as error:
        raise validation_error(path, raw, error, "manifest field ") from error


def read_document(manifest_path: Path) -> CorpusDocument:
    source = read_manifest(manifest_path)
    corpus = manifest_path.parent.resolve()
    path = manifest_path.parent / source.file
    # a manifest names a file of its own directory: never one elsewhere ("../../etc/passwd",
    # an absolute path, a symlink out of the corpus)
    if Path(source.file).is_absolute() or path.resolve().parent != corpus:
        raise InputError(
            manifest_path,
            f"file {source.file!r} is not a file of the corpus directory {corpus}: "
            "a manifest describes a document beside it",
            line_of(manifest_path.read_text(), "file"),
        )
    if not path.is_file():
        raise InputError(
            manifest_path,
            f"the document {source.file!r} it describes is missing",
            line_of(manifest_path.read_text(), "file"),
        )
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if digest != source.sha256:
        raise InputError(
            path,
            f"checksum mismatch: the file's sha256 is {digest} "
            f"but its manifest {manifest_path.name} says {source.sha256}; "
            "the document changed — check it, then update the manifest's sha256",
        )
    text = decode_utf8(path, content)
    return CorpusDocument(source=source, path=path, text=text)


def read_corpus(directory: Path | str) -> list[CorpusDocument]:
    """Every document of the corpus, in manifest-name order; two manifests may not share an id."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(directory, "corpus directory not found")
    documents = [read_document(p) for p in sorted(directory.glob("*.toml"))]
    seen: dict[str, Path] = {}
    for document in documents:
        if document.source.id in seen:
            raise InputError(
                document.path, f"document id {document.source.id!r} is already used by {seen[document.source.id]}"
            )
        seen[document.source.id] = document.path
    if not documents:
        raise InputError(directory, "no manifest (*.toml) in the corpus directory")
    return documents
