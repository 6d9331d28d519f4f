"""``ctair network …`` and ``ctair export …`` (3w, dump).

    ctair network recurring [--min-territories N] [--role operator|any|…] [--format table|json|csv]
    ctair network metrics   [--network bipartite|organisations|territories] [--top N] [--format table|json|csv]
    ctair network export    --out FILE [--format gexf|graphml|json|csv] [--network …]
    ctair network plot      --out FILE.png|FILE.svg [--chart both|network|bars]
    ctair export 3w         --out FILE.csv|FILE.xlsx
    ctair export dump       --out DIR [--format ttl|nq|jsonld|nt …]

Every command takes the filters ``--role``, ``--axis``, ``--kind`` and ``--year``. Errors
(an unknown role, axis, format, an unwritable file) print one line and exit with status 2
(:func:`ctair.cli.main`). Drawing (matplotlib) is imported by ``network plot`` alone: it takes
seconds to import.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ctair.graph.dump import DUMP_FORMATS, export_dump
from ctair.graph.export_3w import TableExportError, write_3w
from ctair.graph.network import (
    CONTRACT_KINDS,
    LEVELS,
    NETWORKS,
    ROLES,
    NetworkFilter,
    bipartite_network,
    build_network,
    load_network_data,
)
from ctair.graph.network_export import format_for, write_network
from ctair.graph.network_metrics import NODE_METRICS, annotate, recurring_organisations
from ctair.settings import get_settings

from .tables import print_rows

if TYPE_CHECKING:
    from ctair.graph.store import Store

TABLE_FORMATS = ("table", "json", "csv")


def _filter_arguments(parser: argparse.ArgumentParser, *, default_role: str = "any") -> None:
    group = parser.add_argument_group("filters")
    group.add_argument(
        "--role",
        default=default_role,
        metavar="ROLE",
        help=f"only participations with this role: any (default: {default_role}), {', '.join(ROLES)}",
    )
    group.add_argument(
        "--axis", default=None, help="only actions under this axis or theme (id or label; narrower themes included)"
    )
    group.add_argument(
        "--kind",
        default=None,
        metavar="KIND",
        help=f"only actions of this kind of contract: {', '.join(CONTRACT_KINDS)}",
    )
    group.add_argument("--year", default=None, type=int, help="only actions of contracts of this year")
    group.add_argument(
        "--level",
        default="entity",
        choices=LEVELS,
        help="entity: each legal entity on its own (default); network: entities grouped by their network",
    )


def _filters(args: argparse.Namespace) -> NetworkFilter:
    return NetworkFilter(role=args.role, axis=args.axis, kind=args.kind, year=args.year, level=args.level)


def add_dump_command(export_subparsers, store_argument, open_store) -> None:
    """``ctair export dump --format ttl|nq|jsonld|nt [--format …] --out DIR``."""
    p = export_subparsers.add_parser(
        "dump", help="write the whole dataset as RDF files (ttl, nq, jsonld, nt) with their sha256 (SHA256SUMS)"
    )
    store_argument(p)
    p.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=list(DUMP_FORMATS),
        help="a format to write (repeat for several; default: all)",
    )
    p.add_argument("--out", type=Path, required=True, help="directory to write the files into")
    p.add_argument("--base-iri", default=None, help="base IRI for the Turtle prefixes (default: setting base_iri)")

    def cmd_dump(args) -> int:
        base = args.base_iri or get_settings().base_iri
        for dump in export_dump(open_store(args), args.out, args.formats or list(DUMP_FORMATS), base=base):
            print(f"{dump.path}  {dump.byte_size} bytes  sha256 {dump.sha256}  ({dump.statements} statements)")
        print(f"{args.out / 'SHA256SUMS'}")
        return 0

    p.set_defaults(func=cmd_dump)


def add_network_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    store_argument: Callable[[argparse.ArgumentParser], object],
    open_store: Callable[[argparse.Namespace], Store],
) -> None:
    """Add the network and export sub-commands; ``open_store(args)`` opens the store read-only."""

    def data_of(args):
        data = load_network_data(open_store(args))
        year = getattr(args, "year", None)
        if year is not None:
            data.check_year(year)
        return data

    # ------------------------------------------------------------------ ctair network …
    network = commands.add_parser(
        "network", help="the organisation–territory network: recurring organisations, metrics, exports, pictures"
    )
    sub = network.add_subparsers(dest="network_command", required=True)

    p = sub.add_parser("recurring", help="organisations ranked by the number of territories they work in")
    store_argument(p)
    p.add_argument("--min-territories", type=int, default=2, metavar="N", help="at least N territories (default 2)")
    _filter_arguments(p)
    p.add_argument("--format", choices=TABLE_FORMATS, default="table")

    def cmd_recurring(args) -> int:
        ranking = recurring_organisations(
            bipartite_network(data_of(args), _filters(args)), min_territories=args.min_territories
        )
        if args.format == "json":
            print(json.dumps([{**row, "level": args.level} for row in ranking], ensure_ascii=False, indent=2))
            return 0
        if not ranking and args.format == "table":
            print(f"no organisation works in {args.min_territories} or more territories ({_filters(args).describe()})")
            return 0
        rows = [
            {
                **r,
                "territory_labels": ", ".join(r["territory_labels"]),
                "roles": " ".join(r["roles"]),
                "axes": " ".join(r["axes"]),
                "territory_ids": " ".join(r["territory_ids"]),
            }
            for r in ranking
        ]
        columns = ["rank", "label", "territories", "actions", "roles", "territory_labels"]
        if args.format == "csv":
            columns = [
                "rank",
                "id",
                "label",
                "territories",
                "actions",
                "roles",
                "axes",
                "territory_ids",
                "territory_labels",
                "organisation",
            ]
        print_rows(rows, columns, args.format)
        if args.format == "table":
            grouping = (
                "entities grouped by their network" if args.level == "network" else "each legal entity on its own"
            )
            print(f"level: {args.level} ({grouping})", file=sys.stderr)
        return 0

    p.set_defaults(func=cmd_recurring)

    p = sub.add_parser("metrics", help="centralities, clustering, components and communities of a network")
    store_argument(p)
    p.add_argument("--network", choices=NETWORKS, default="bipartite")
    p.add_argument(
        "--top", type=int, default=None, metavar="N", help="only the N nodes of highest PageRank (table and csv)"
    )
    _filter_arguments(p)
    p.add_argument("--format", choices=TABLE_FORMATS, default="table")

    def cmd_metrics(args) -> int:
        graph = annotate(build_network(data_of(args), args.network, _filters(args)))
        nodes = sorted(
            ({"node": n, **d} for n, d in graph.nodes(data=True)),
            key=lambda r: (-r["pagerank"], r["label"].casefold()),
        )
        if args.format == "json":
            print(
                json.dumps(
                    {
                        "network": args.network,
                        "filters": _filters(args).to_json(),
                        "graph": graph.graph["metrics"],
                        "nodes": nodes,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return 0
        shown = nodes[: args.top] if args.top else nodes
        columns = ["kind", "label", *NODE_METRICS]
        rounded = [{**r, **{m: round(r[m], 4) for m in ("betweenness", "pagerank", "clustering")}} for r in shown]
        if args.format == "csv":
            print_rows(rounded, ["node", "id", *columns], "csv")
            return 0
        summary = graph.graph["metrics"]
        print(f"network      {args.network} ({_filters(args).describe()})")
        plural = {"organisation": "organisations", "territory": "territories"}
        kinds = ", ".join(f"{v} {plural.get(k, k)}" for k, v in summary["nodes_by_kind"].items())
        print(f"nodes        {summary['nodes']} ({kinds})" if kinds else f"nodes        {summary['nodes']}")
        print(f"edges        {summary['edges']} (total weight {summary['total_weight']:g})")
        print(f"density      {summary['density']:.3f}")
        print(
            f"components   {summary['components']} (largest {summary['largest_component']} nodes, "
            f"{summary['isolates']} isolated)"
        )
        modularity = "" if summary["modularity"] is None else f", modularity {summary['modularity']:.3f}"
        print(f"communities  {summary['communities']} (Louvain, seed 42{modularity})")
        print()
        print_rows(rounded, columns, "table")
        return 0

    p.set_defaults(func=cmd_metrics)

    p = sub.add_parser(
        "export",
        help="write a network for Gephi (gexf), Cytoscape (graphml), d3/sigma (json) or a spreadsheet (csv edge list)",
    )
    store_argument(p)
    p.add_argument("--out", type=Path, required=True, help="the file to write")
    p.add_argument("--format", default=None, help="gexf, graphml, json or csv (default: from the file's suffix)")
    p.add_argument("--network", choices=NETWORKS, default="bipartite")
    p.add_argument("--no-metrics", action="store_true", help="do not add the node metrics as attributes")
    _filter_arguments(p)

    def cmd_export(args) -> int:
        fmt = format_for(args.out, args.format)  # fail before reading the store
        graph = build_network(data_of(args), args.network, _filters(args))
        if not args.no_metrics:
            graph = annotate(graph)
        write_network(graph, args.out, fmt)
        print(
            f"wrote {args.out} ({fmt}: {args.network} network, {graph.number_of_nodes()} nodes, "
            f"{graph.number_of_edges()} edges)"
        )
        return 0

    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "plot", help="draw the organisation–territory network and a bar chart of organisations by territories"
    )
    store_argument(p)
    p.add_argument(
        "--out", type=Path, required=True, help="FILE.png or FILE.svg (the bar chart goes to FILE-bars.png|svg)"
    )
    p.add_argument("--chart", choices=("both", "network", "bars"), default="both")
    p.add_argument(
        "--min-territories",
        type=int,
        default=2,
        metavar="N",
        help="emphasise and label organisations in at least N territories",
    )
    p.add_argument("--top", type=int, default=25, metavar="N", help="organisations in the bar chart (default 25)")
    p.add_argument("--title", default=None)
    _filter_arguments(p)

    def cmd_plot(args) -> int:
        from ctair.graph.network_plot import _check_path, bars_path, plot_network, plot_recurring_bars  # matplotlib

        _check_path(args.out)
        filters = _filters(args)
        graph = bipartite_network(data_of(args), filters)
        suffix = "" if filters == NetworkFilter() else f" ({filters.describe()})"
        written = []
        if args.chart in ("both", "network"):
            title = args.title or f"Organisations and territories of the territorial contracts{suffix}"
            written.append(plot_network(graph, args.out, min_territories=args.min_territories, title=title))
        if args.chart in ("both", "bars"):
            target = bars_path(args.out) if args.chart == "both" else args.out
            written.append(
                plot_recurring_bars(
                    graph, target, top=args.top, title=f"Organisations by number of territories{suffix}"
                )
            )
        for path in written:
            print(f"wrote {path}")
        return 0

    p.set_defaults(func=cmd_plot)

    # ------------------------------------------------------------------ ctair export …
    export = commands.add_parser("export", help="export tables: 3w (who does what where, with HXL hashtags)")
    sub = export.add_subparsers(dest="export_command", required=True)
    add_dump_command(sub, store_argument, open_store)
    p = sub.add_parser(
        "3w", help="who does what where: one row per organisation × action × territory, HXL-tagged (.csv or .xlsx)"
    )
    store_argument(p)
    p.add_argument("--out", type=Path, required=True, help="FILE.csv or FILE.xlsx")
    _filter_arguments(p)

    def cmd_3w(args) -> int:
        if args.out.suffix.lower() not in (".csv", ".xlsx"):
            raise TableExportError(f"cannot write a 3W table to {args.out}: the file must end in .csv or .xlsx")
        count = write_3w(data_of(args), args.out, _filters(args))
        print(f"wrote {args.out} ({count} rows: organisation × action × territory)")
        return 0

    p.set_defaults(func=cmd_3w)
