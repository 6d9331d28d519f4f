"""Benchmark of the network analysis on a synthetic graph in the data model's shape.

    .venv/bin/python bench/network_bench.py [--actions 100000] [--territories 300] [--organisations 5000]
                                            [--seed 7] [--store DIR] [--json FILE]

Builds, deterministically from ``--seed``, a graph of territories, contracts, actions,
participations (1–4 per action; the first is the operator), axes and quantities as
``ctair build`` would emit them (see ontology/README.md) straight into an Oxigraph store
(in memory unless ``--store``), with a heavy-tailed recurrence: an organisation works in
``min(T, ⌊Pareto(1.2)⌋)`` territories (most in one, a few national operators in hundreds)
and is picked for actions in proportion to that reach. Then it times the SPARQL extraction,
the building of the bipartite network, each metric, the projections and the rankings, prints
a table and writes the figures as JSON. Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import networkx as nx  # noqa: E402
from networkx.algorithms import bipartite as nx_bipartite  # noqa: E402
from pyoxigraph import Literal, NamedNode, Quad  # noqa: E402

from ctair.graph.named_queries import get_query  # noqa: E402
from ctair.graph.network import (  # noqa: E402
    NetworkFilter,
    axis_subnetworks,
    bipartite_network,
    load_network_data,
    organisation_network,
    territory_network,
)
from ctair.graph.network_metrics import (  # noqa: E402
    BETWEENNESS_SAMPLE,
    EXACT_BETWEENNESS_LIMIT,
    SEED,
    communities,
    components,
    recurring_organisations,
)
from ctair.graph.store import OxigraphStore  # noqa: E402
from ctair.ontology.vocab import AXIS, CONTRACT_KIND, CTAIR, DCTERMS, PROV, RDF, RDFS, ROLE, SCHEMA, SKOS, UNIT, XSD  # noqa: E402

BASE = "https://bench.example.org/"
AXES = {  # theme -> broader axis (None for the seven axes)
    "pilotage": None,
    "parcours-integration": None,
    "langue-formation-emploi": None,
    "logement": None,
    "sante": None,
    "acces-aux-droits": None,
    "liens-societe": None,
    "langue": "langue-formation-emploi",
    "emploi": "langue-formation-emploi",
    "formation": "langue-formation-emploi",
    "hebergement": "logement",
    "culture": "liens-societe",
    "interpretariat": "acces-aux-droits",
}
OTHER_ROLES = ("partner", "partner", "funder", "participant", "coordinator")
KINDS = ("CTAIR", "CTAI", "PTAIR", "PTAI")


def generate(store: OxigraphStore, actions: int, territories: int, organisations: int, seed: int) -> dict:
    rng = random.Random(seed)
    n = lambda *parts: NamedNode(BASE + "/".join(parts))  # noqa: E731
    integer = lambda v: Literal(str(v), datatype=XSD.integer)  # noqa: E731
    schemes, registry = n("graph", "schemes"), n("graph", "registry")
    quads: list[Quad] = []
    add = lambda s, p, o, g: quads.append(Quad(s, p, o, g))  # noqa: E731

    for theme, broader in AXES.items():
        add(AXIS[theme], SKOS.inScheme, NamedNode(AXIS.iri), schemes)
        add(AXIS[theme], SKOS.prefLabel, Literal(theme.replace("-", " ").capitalize(), language="fr"), schemes)
        if broader:
            add(AXIS[theme], SKOS.broader, AXIS[broader], schemes)
    for kind in KINDS:
        add(CONTRACT_KIND[kind], SKOS.notation, Literal(kind), schemes)

    territory_ids = [f"t{i:03d}" for i in range(territories)]
    for i, tid in enumerate(territory_ids):
        t = n("id", "territory", tid)
        add(t, RDF.type, CTAIR.Territory, registry)
        add(t, RDFS.label, Literal(f"Territoire {i}", language="fr"), registry)
        add(t, DCTERMS.identifier, Literal(tid), registry)
        add(t, CTAIR.inseeCode, Literal(f"{10000 + i:05d}"), registry)

    reach = [min(territories, int(rng.paretovariate(1.2))) for _ in range(organisations)]
    present: list[list[int]] = [[] for _ in range(territories)]
    for o, r in enumerate(reach):
        oid = f"o{o:05d}"
        org = n("id", "organisation", oid)
        add(org, RDF.type, CTAIR.Organisation, registry)
        add(org, RDFS.label, Literal(f"Organisation {o}", language="fr"), registry)
        add(org, DCTERMS.identifier, Literal(oid), registry)
        for t in rng.sample(range(territories), r):
            present[t].append(o)
    for pool in present:
        if not pool:
            pool.append(rng.randrange(organisations))

    territory_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(territories)]  # a few metropoles have many actions
    contract_of = {}
    for t, tid in enumerate(territory_ids):
        kind, year = rng.choice(KINDS), rng.randint(2019, 2023)
        source = n("id", "source", f"report-{tid}")
        graph = n("graph", f"report-{tid}")
        contract = n("id", "contract", f"{tid}-{kind.lower()}")
        add(source, RDF.type, CTAIR.SourceDocument, graph)
        add(contract, RDF.type, CTAIR.Contract, graph)
        add(contract, CTAIR.contractKind, CONTRACT_KIND[kind], graph)
        add(contract, CTAIR.territory, n("id", "territory", tid), graph)
        add(contract, CTAIR.year, integer(year), graph)
        contract_of[t] = (contract, source, graph)
    themes = list(AXES)
    counts = [0] * territories
    participations = 0
    for a, t in enumerate(rng.choices(range(territories), weights=territory_weights, k=actions)):
        counts[t] += 1
        contract, source, graph = contract_of[t]
        tid = territory_ids[t]
        action = n("id", "action", tid, f"report-{tid}-{counts[t]}")
        mention = NamedNode(f"{source.value}/{a * 10}-{a * 10 + 9}")
        add(mention, PROV.wasQuotedFrom, source, graph)
        for p, o in (
            (RDF.type, CTAIR.Action),
            (RDFS.label, Literal(f"Action {a}", language="fr")),
            (CTAIR.ordinal, integer(counts[t])),
            (CTAIR.territory, n("id", "territory", tid)),
            (CTAIR.contract, contract),
            (PROV.wasDerivedFrom, mention),
        ):
            add(action, p, o, graph)
        for theme in rng.sample(themes, rng.choice((1, 1, 1, 2))):
            add(action, CTAIR.axis, AXIS[theme], graph)
        pool = present[t]
        k = min(len(pool), rng.choice((1, 2, 2, 3, 4)))
        chosen: list[int] = []
        while len(chosen) < k:
            o = rng.choices(pool, weights=[reach[x] for x in pool])[0]
            if o not in chosen:
                chosen.append(o)
        for i, o in enumerate(chosen):
            role = "operator" if i == 0 else rng.choice(OTHER_ROLES)
            org = n("id", "organisation", f"o{o:05d}")
            participation = NamedNode(f"{action.value}/{role}/o{o:05d}")
            add(action, CTAIR.participation, participation, graph)
            add(action, CTAIR[role if role != "coordinator" else "coordinatedBy"], org, graph)
            add(participation, RDF.type, CTAIR.Participation, graph)
            add(participation, CTAIR.organisation, org, graph)
            add(participation, CTAIR.role, ROLE[role], graph)
            participations += 1
        if a % 3 == 0:
            quantity = NamedNode(f"{action.value}/quantity/1")
            add(action, CTAIR.quantity, quantity, graph)
            add(quantity, SCHEMA.value, Literal(str(rng.randint(1, 200)), datatype=XSD.decimal), graph)
            add(quantity, CTAIR.unit, UNIT.beneficiary, graph)
    store.bulk_load_quads(quads)
    return {
        "quads": len(quads),
        "participations": participations,
        "max_reach": max(reach),
        "organisations_in_2_or_more_territories": sum(r >= 2 for r in reach),
    }


class Timer:
    def __init__(self):
        self.rows: list[tuple[str, float, str]] = []

    def __call__(self, name: str, function, note=lambda result: ""):
        start = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - start
        self.rows.append((name, seconds, note(result)))
        print(f"  {name:<44} {seconds:9.3f} s  {note(result)}", flush=True)
        return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--territories", type=int, default=300)
    parser.add_argument("--organisations", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store", type=Path, default=None, help="on-disk store directory (default: in memory)")
    parser.add_argument("--json", type=Path, default=REPO / "var" / "bench" / "network_bench.json")
    args = parser.parse_args(argv)

    print(
        f"synthetic graph: {args.actions} actions, {args.territories} territories, {args.organisations} organisations, seed {args.seed}"
    )
    timer = Timer()
    store = OxigraphStore(args.store)
    shape = timer(
        "generate + bulk load into Oxigraph",
        lambda: generate(store, args.actions, args.territories, args.organisations, args.seed),
        lambda s: f"{s['quads']} quads, {s['participations']} participations",
    )
    timer(
        "SPARQL: _network-participations alone",
        lambda: store.select(get_query("_network-participations").text),
        lambda r: f"{len(r)} rows",
    )
    data = timer(
        "SPARQL extraction (load_network_data, 7 queries)",
        lambda: load_network_data(store),
        lambda d: f"{len(d.actions)} actions, {len(d.participations)} participations",
    )
    graph = timer(
        "build bipartite network",
        lambda: bipartite_network(data),
        lambda g: f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges",
    )
    timer(
        "build bipartite network (operators only)",
        lambda: bipartite_network(data, NetworkFilter(role="operator")),
        lambda g: f"{g.number_of_edges()} edges",
    )
    timer(
        "build bipartite network (axis logement)",
        lambda: bipartite_network(data, NetworkFilter(axis="logement")),
        lambda g: f"{g.number_of_edges()} edges",
    )
    organisations = timer(
        "organisation projection",
        lambda: organisation_network(graph),
        lambda g: f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges",
    )
    territories = timer(
        "territory projection",
        lambda: territory_network(graph),
        lambda g: f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges",
    )

    for name, g in (("bipartite", graph), ("organisations", organisations), ("territories", territories)):
        n = g.number_of_nodes()
        k = None if n <= EXACT_BETWEENNESS_LIMIT else min(BETWEENNESS_SAMPLE, n)
        timer(f"[{name}] degree + weighted degree", lambda: (dict(g.degree()), dict(g.degree(weight="weight"))))
        timer(
            f"[{name}] betweenness" + (f" (k={k} pivots)" if k else " (exact)"),
            lambda: nx.betweenness_centrality(g, k=k, seed=SEED if k else None),
        )
        timer(f"[{name}] pagerank", lambda: nx.pagerank(g, weight="weight"))
        if name == "bipartite":
            timer(f"[{name}] bipartite clustering (Latapy, dot)", lambda: nx_bipartite.clustering(g, mode="dot"))
        else:
            timer(f"[{name}] clustering", lambda: nx.clustering(g))
        timer(f"[{name}] connected components", lambda: components(g), lambda c: f"{len(c)} components")
        timer(f"[{name}] Louvain communities (seed {SEED})", lambda: communities(g), lambda c: f"{len(c)} communities")
    timer(
        "recurring-organisation ranking",
        lambda: recurring_organisations(graph),
        lambda r: f"{len(r)} organisations in >= 2 territories",
    )
    timer("per-axis subnetworks (7 axes)", lambda: axis_subnetworks(data), lambda s: f"{len(s)} axes")

    total = sum(seconds for _, seconds, _ in timer.rows)
    print(f"\n{'step':<46} {'seconds':>9}  note")
    for name, seconds, note in timer.rows:
        print(f"{name:<46} {seconds:9.3f}  {note}")
    print(f"{'total':<46} {total:9.3f}")
    result = {
        "parameters": vars(args) | {"store": str(args.store) if args.store else "memory", "json": str(args.json)},
        "shape": shape,
        "machine": {"python": platform.python_version(), "networkx": nx.__version__, "platform": platform.platform()},
        "steps": [{"step": name, "seconds": round(seconds, 4), "note": note} for name, seconds, note in timer.rows],
        "total_seconds": round(total, 3),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
