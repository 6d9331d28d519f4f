"""Network analyses: pure functions over ``networkx`` graphs (no store, no files).

Node metrics (:func:`node_metrics`)
    ``degree``; ``weighted_degree`` (sum of edge weights: actions in the bipartite network,
    shared counterparts in the projections); ``betweenness`` (normalised, on hop distances;
    sampled with a fixed seed above ``exact_betweenness_limit`` nodes); ``pagerank``
    (weighted, well defined on disconnected graphs, unlike eigenvector centrality);
    ``clustering`` (Latapy's bipartite clustering, ``mode="dot"``, on a bipartite network,
    the ordinary clustering coefficient otherwise); ``component`` and ``community``
    (indices into :func:`components` and :func:`communities`, largest first).
Graph metrics (:func:`graph_metrics`)
    counts, density, components, Louvain communities and their modularity.
Rankings
    :func:`recurring_organisations` (territories, actions, roles, axes of each organisation)
    and :func:`axis_summary` (who does what where, per axis).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import networkx as nx
from networkx.algorithms import bipartite as nx_bipartite

SEED = 42
EXACT_BETWEENNESS_LIMIT = 2000  # nodes; above it betweenness is estimated from a sample of pivots
BETWEENNESS_SAMPLE = 256
NODE_METRICS = ("degree", "weighted_degree", "betweenness", "pagerank", "clustering", "component", "community")


def _order_key(graph: nx.Graph[str]) -> Callable[[set[str]], tuple[int, str]]:
    return lambda group: (-len(group), min(str(n) for n in group))


def components(graph: nx.Graph[str]) -> list[set[str]]:
    """Connected components, largest first (ties: by smallest node key)."""
    return sorted((set(c) for c in nx.connected_components(graph)), key=_order_key(graph))


def communities(graph: nx.Graph[str], *, seed: int = SEED, weight: str = "weight") -> list[set[str]]:
    """Louvain communities (fixed seed, so reproducible), largest first. Isolated nodes are
    communities of their own."""
    if graph.number_of_nodes() == 0:
        return []
    if graph.number_of_edges() == 0:
        found = [{n} for n in graph]
    else:
        found = nx.community.louvain_communities(graph, weight=weight, seed=seed)
    return sorted((set(c) for c in found), key=_order_key(graph))


def is_bipartite_network(graph: nx.Graph[str]) -> bool:
    return graph.graph.get("network") == "bipartite" or (
        graph.number_of_nodes() > 0
        and all("bipartite" in d for _, d in graph.nodes(data=True))
        and nx.is_bipartite(graph)
    )


def node_metrics(
    graph: nx.Graph[str],
    *,
    weight: str = "weight",
    seed: int = SEED,
    exact_betweenness_limit: int = EXACT_BETWEENNESS_LIMIT,
    betweenness_sample: int = BETWEENNESS_SAMPLE,
    groups: tuple[list[set[str]], list[set[str]]] | None = None,
) -> dict[str, dict[str, float | int]]:
    """Every node's metrics (see the module docstring), keyed by node."""
    if graph.number_of_nodes() == 0:
        return {}
    n = graph.number_of_nodes()
    k = None if n <= exact_betweenness_limit else min(betweenness_sample, n)
    betweenness = nx.betweenness_centrality(graph, k=k, normalized=True, seed=seed if k else None)
    pagerank = nx.pagerank(graph, weight=weight) if graph.number_of_edges() else {v: 1.0 / n for v in graph}
    clustering = _clustering(graph)
    component_list, community_list = groups or (components(graph), communities(graph, seed=seed, weight=weight))
    component_of = {v: i for i, group in enumerate(component_list) for v in group}
    community_of = {v: i for i, group in enumerate(community_list) for v in group}
    weighted = dict(graph.degree(weight=weight))
    return {
        v: {
            "degree": int(graph.degree(v)),
            "weighted_degree": float(weighted[v]),
            "betweenness": float(betweenness[v]),
            "pagerank": float(pagerank[v]),
            "clustering": float(clustering[v]),
            "component": component_of[v],
            "community": community_of[v],
        }
        for v in graph
    }


def _clustering(graph: nx.Graph[str]) -> dict[str, float]:
    """Every node's clustering coefficient: Latapy's (dot) in a bipartite network."""
    if is_bipartite_network(graph):
        return dict(nx_bipartite.clustering(graph, mode="dot"))
    found = nx.clustering(graph)
    if not isinstance(found, dict):  # a single coefficient only when asked for one node
        raise TypeError(f"nx.clustering returned {found!r} for the whole graph")
    return found


def graph_metrics(
    graph: nx.Graph[str], *, seed: int = SEED, groups: tuple[list[set[str]], list[set[str]]] | None = None
) -> dict[str, Any]:
    """Whole-graph figures: nodes (by kind), edges, density, components, communities, modularity."""
    component_list, community_list = groups or (components(graph), communities(graph, seed=seed))
    kinds = Counter(d.get("kind", "node") for _, d in graph.nodes(data=True))
    n = graph.number_of_nodes()
    if is_bipartite_network(graph) and len(kinds) == 2:
        density = graph.number_of_edges() / (
            kinds["organisation"] * kinds["territory"]
        )  # of the possible org–territory pairs
    else:
        density = nx.density(graph) if n > 1 else 0.0
    modularity = None
    if graph.number_of_edges() and community_list:
        modularity = float(nx.community.modularity(graph, community_list, weight="weight"))
    return {
        "network": graph.graph.get("network"),
        "nodes": n,
        "nodes_by_kind": dict(sorted(kinds.items())),
        "edges": graph.number_of_edges(),
        "total_weight": float(graph.size(weight="weight")),
        "density": float(density),
        "components": len(component_list),
        "largest_component": len(component_list[0]) if component_list else 0,
        "isolates": nx.number_of_isolates(graph),
        "communities": len(community_list),
        "modularity": modularity,
        "betweenness": "exact"
        if n <= EXACT_BETWEENNESS_LIMIT
        else f"estimated from {min(BETWEENNESS_SAMPLE, n)} pivots (seed {seed})",
    }


def annotate(graph: nx.Graph[str], *, seed: int = SEED) -> nx.Graph[str]:
    """A copy of ``graph`` with every node's metrics as node attributes and the graph's
    metrics under ``graph.graph["metrics"]``."""
    groups = (components(graph), communities(graph, seed=seed))
    annotated = graph.copy()
    for node, values in node_metrics(graph, seed=seed, groups=groups).items():
        annotated.nodes[node].update(values)
    annotated.graph["metrics"] = graph_metrics(graph, seed=seed, groups=groups)
    return annotated


def recurring_organisations(bipartite: nx.Graph[str], *, min_territories: int = 2) -> list[dict[str, Any]]:
    """The organisations present in at least ``min_territories`` territories of a bipartite
    network, most territories first (then most actions, then label)."""
    ranking: list[dict[str, Any]] = []
    for node, data in bipartite.nodes(data=True):
        if data.get("kind") != "organisation":
            continue
        edges = [(bipartite.nodes[t], e) for t, e in bipartite[node].items()]
        if len(edges) < min_territories:
            continue
        actions = {a for _, e in edges for a in e["action_iris"]}
        roles: Counter[str] = Counter()
        for _, e in edges:
            roles.update(e["roles"])
        ranking.append(
            {
                "organisation": data["iri"],
                "id": data["id"],
                "label": data["label"],
                "territories": len(edges),
                "actions": len(actions),
                "territory_ids": sorted(t["id"] for t, _ in edges),
                "territory_labels": sorted((t["label"] for t, _ in edges), key=str.casefold),
                "roles": sorted(roles),
                "axes": sorted({a for _, e in edges for a in e.get("top_axes", [])}),
            }
        )
    ranking.sort(key=lambda r: (-r["territories"], -r["actions"], r["label"].casefold()))
    for rank, row in enumerate(ranking, start=1):
        row["rank"] = rank
    return ranking


def axis_summary(subnetworks: dict[str, nx.Graph[str]]) -> list[dict[str, Any]]:
    """For each per-axis network: how many organisations, territories and actions, and its
    most present organisations ("who does housing where")."""
    summary: list[dict[str, Any]] = []
    for axis, graph in subnetworks.items():
        ranking = recurring_organisations(graph, min_territories=1)
        actions = {a for _, _, e in graph.edges(data=True) for a in e["action_iris"]}
        summary.append(
            {
                "axis": axis,
                "label": graph.graph.get("axis_label", axis),
                "organisations": sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "organisation"),
                "territories": sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "territory"),
                "actions": len(actions),
                "top_organisations": [
                    {"id": r["id"], "label": r["label"], "territories": r["territories"], "actions": r["actions"]}
                    for r in ranking[:5]
                ],
            }
        )
    return summary
