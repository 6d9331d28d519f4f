"""Document kind → loader. A loader reads one ``CorpusDocument`` with the registry and returns its
``DocumentRecords``; it never touches a store. Keyword arguments: ``concepts`` (SKOS axes and
publics, default ``ontology/schemes.ttl``) and ``ner`` (False skips spaCy, for speed)."""

from __future__ import annotations

from collections.abc import Callable

from . import diair_report, web_article
from .corpus import CorpusDocument
from .errors import InputError, line_of
from .records import DocumentRecords

Loader = Callable[..., DocumentRecords]

LOADERS: dict[str, Loader] = {
    "diair-report": diair_report.load,
    "web-article": web_article.load,
}


def loader_for(document: CorpusDocument) -> Loader:
    """The loader of a document's kind; an unknown kind is an error in its manifest."""
    try:
        return LOADERS[document.source.kind]
    except KeyError:
        manifest = document.path.with_suffix(".toml")
        line = line_of(manifest.read_text(encoding="utf-8"), "kind") if manifest.is_file() else None
        raise InputError(
            manifest, f"unknown document kind {document.source.kind!r} (known: {', '.join(sorted(LOADERS))})", line
        ) from None
