"""Network files: GEXF (Gephi), GraphML (Cytoscape, yEd, igraph), node-link JSON (d3, sigma)
and a CSV edge list.

GEXF and GraphML only hold scalar attributes, so lists are joined with ``"; "`` and graph
attributes that are not scalars are flattened (``filters`` → ``filter_role`` …). In GEXF the
node ``id`` and ``label`` are reserved words of the format: the node's IRI is the GEXF id, its
label the GEXF label, and ``id`` is written as ``entity_id``. Node-link JSON keeps lists and
has one identifier: each node's ``id`` is its IRI and ``links`` reference the same IRIs, which is
what ``networkx.node_link_graph(data, edges="links")`` and d3's ``forceLink().id(d => d.id)``
expect; ``iri`` repeats it for readers of older files, and the short id is ``slug``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import networkx as nx

from ctair.errors import CtairError

FORMATS = ("gexf", "graphml", "json", "csv")
LIST_SEPARATOR = "; "
SUFFIXES = {".gexf": "gexf", ".graphml": "graphml", ".xml": "graphml", ".json": "json", ".csv": "csv"}


class NetworkExportError(CtairError, ValueError):
    status, code = 400, "bad-parameter"

    """The format is unknown or the file cannot be written; the message names the file."""


def format_for(path: Path, fmt: str | None) -> str:
    """The export format: ``fmt`` if given, else from the file's suffix."""
    if fmt is None:
        fmt = SUFFIXES.get(Path(path).suffix.lower())
        if fmt is None:
            raise NetworkExportError(
                f"cannot tell the format of {path} from its suffix: give --format ({', '.join(FORMATS)})"
            )
    if fmt not in FORMATS:
        raise NetworkExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    return fmt


def _scalar(value: object) -> object:
    if isinstance(value, (list, tuple, set)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def scalar_graph(graph: nx.Graph[str], *, for_gexf: bool = False) -> nx.Graph[str]:
    """A copy of ``graph`` whose attributes GEXF/GraphML writers accept (see the module docstring)."""
    flat: nx.Graph[str] = nx.Graph()
    for key, value in graph.graph.items():
        if isinstance(value, dict):
            for sub, subvalue in value.items():
                if subvalue is not None and not isinstance(subvalue, dict):
                    flat.graph[f"{key.rstrip('s')}_{sub}"] = _scalar(subvalue)
        elif value is not None:
            flat.graph[key] = _scalar(value)
    for node, data in graph.nodes(data=True):
        attributes = {k: _scalar(v) for k, v in data.items() if v is not None}
        if for_gexf and "id" in attributes:
            attributes["entity_id"] = attributes.pop("id")
        flat.add_node(node, **attributes)
    for u, v, data in graph.edges(data=True):
        flat.add_edge(u, v, **{k: _scalar(val) for k, val in data.items() if val is not None})
    return flat


def oriented_edges(graph: nx.Graph[str]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Edges with the organisation first in the bipartite network (and by node key otherwise)."""
    for u, v, data in graph.edges(data=True):
        ku, kv = graph.nodes[u].get("kind"), graph.nodes[v].get("kind")
        if (ku, kv) == ("territory", "organisation") or (ku == kv and str(v) < str(u)):
            u, v = v, u
        yield u, v, data


def node_link(graph: nx.Graph[str]) -> dict[str, Any]:
    """Node-link JSON (``nodes``, ``links``; node key ``id`` = the IRI), JSON-serialisable."""
    nodes = []
    for node, attributes in graph.nodes(data=True):
        attributes = dict(attributes)
        slug = attributes.pop("id", None)  # the short id would otherwise shadow the key readers expect
        nodes.append({**attributes, "slug": slug, "iri": node, "id": node})
    return {
        "directed": graph.is_directed(),
        "multigraph": graph.is_multigraph(),
        "graph": dict(graph.graph),
        "nodes": nodes,
        "links": [{**d, "source": u, "target": v} for u, v, d in oriented_edges(graph)],
    }


def write_csv_edges(graph: nx.Graph[str], out: TextIO) -> None:
    attributes = sorted({k for _, _, d in graph.edges(data=True) for k in d} - {"weight"})
    columns = ["source", "target", "source_label", "target_label", "source_kind", "target_kind", "weight", *attributes]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for u, v, d in sorted(oriented_edges(graph), key=lambda e: (str(e[0]), str(e[1]))):
        nu, nv = graph.nodes[u], graph.nodes[v]
        writer.writerow(
            [u, v, nu.get("label", u), nv.get("label", v), nu.get("kind", ""), nv.get("kind", ""), d.get("weight", 1)]
            + [_scalar(d.get(a, "")) for a in attributes]
        )


def write_network(graph: nx.Graph[str], path: Path | str, fmt: str | None = None) -> Path:
    """Write ``graph`` to ``path`` in ``fmt`` (or the format of its suffix); returns the path."""
    path = Path(path)
    fmt = format_for(path, fmt)
    try:
        if path.parent and not path.parent.exists():
            raise NetworkExportError(f"cannot write {path}: the directory {path.parent} does not exist")
        if fmt == "gexf":
            nx.write_gexf(scalar_graph(graph, for_gexf=True), path)
        elif fmt == "graphml":
            nx.write_graphml(scalar_graph(graph), path, named_key_ids=True)
        elif fmt == "json":
            with path.open("w", encoding="utf-8") as out:
                json.dump(node_link(graph), out, ensure_ascii=False, indent=2)
                out.write("\n")
        else:
            with path.open("w", encoding="utf-8", newline="") as out:
                write_csv_edges(graph, out)
    except OSError as error:
        raise NetworkExportError(f"cannot write {path}: {error.strerror or error}") from error
    return path
