"""Metrics on small graphs whose values are known, and the recurring-organisation ranking."""

from __future__ import annotations

import networkx as nx
import pytest

from ctair.graph.network import NetworkFilter, bipartite_network
from ctair.graph.network_metrics import (
    annotate,
    communities,
    components,
    graph_metrics,
    node_metrics,
    recurring_organisations,
)


def tiny_bipartite():
    """o1 and o2 both in t1 and t2 (a 4-cycle, K2,2), o3 only in t3: two components."""
    graph = nx.Graph(network="bipartite")
    for n in ("o1", "o2", "o3"):
        graph.add_node(n, kind="organisation", bipartite=0, label=n, id=n, iri=n)
    for n in ("t1", "t2", "t3"):
        graph.add_node(n, kind="territory", bipartite=1, label=n, id=n, iri=n)
    graph.add_edge("o1", "t1", weight=3)
    graph.add_edge("o1", "t2", weight=1)
    graph.add_edge("o2", "t1", weight=1)
    graph.add_edge("o2", "t2", weight=1)
    graph.add_edge("o3", "t3", weight=2)
    return graph


def test_known_values_on_a_small_bipartite_graph():
    metrics = node_metrics(tiny_bipartite())
    assert (
        metrics["o1"]["degree"] == 2
        and metrics["o1"]["weighted_degree"] == 4.0
        and metrics["t1"]["weighted_degree"] == 4.0
    )
    # K2,2: every node's second neighbours share all its neighbours -> Latapy clustering 1; a lone edge -> 0.
    assert [metrics[n]["clustering"] for n in ("o1", "o2", "t1", "t2", "o3", "t3")] == [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
    # In a 4-cycle each node lies on one of the two shortest paths between its two neighbours: 0.5 raw,
    # normalised by (n-1)(n-2)/2 = 10 for n = 6.
    assert metrics["o1"]["betweenness"] == pytest.approx(0.05)
    assert metrics["o3"]["betweenness"] == 0.0
    assert sum(m["pagerank"] for m in metrics.values()) == pytest.approx(1.0)
    assert metrics["o3"]["pagerank"] == pytest.approx(metrics["t3"]["pagerank"])
    assert {metrics[n]["component"] for n in ("o1", "o2", "t1", "t2")} == {0} and metrics["o3"]["component"] == 1


def test_latapy_clustering_on_a_path_matches_networkx_docs():
    graph = nx.path_graph(4)
    nx.set_node_attributes(graph, {0: 0, 1: 1, 2: 0, 3: 1}, "bipartite")
    graph.graph["network"] = "bipartite"
    assert node_metrics(graph)[0]["clustering"] == 0.5


def test_betweenness_and_pagerank_on_a_star_projection():
    graph = nx.star_graph(4)  # centre 0, leaves 1..4: a projection-like graph
    metrics = node_metrics(graph)
    assert metrics[0]["betweenness"] == 1.0 and metrics[1]["betweenness"] == 0.0
    assert metrics[0]["pagerank"] > metrics[1]["pagerank"] == pytest.approx(metrics[4]["pagerank"])
    assert metrics[0]["clustering"] == 0.0  # ordinary clustering: no triangles


def test_components_communities_and_graph_metrics():
    graph = nx.Graph()
    graph.add_edges_from([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    graph.add_node("lonely")
    assert components(graph) == [{"a", "b", "c", "x", "y", "z"}, {"lonely"}]
    assert communities(graph) == [{"a", "b", "c"}, {"x", "y", "z"}, {"lonely"}]
    assert communities(graph) == communities(graph)  # fixed seed
    summary = graph_metrics(graph)
    assert (summary["nodes"], summary["edges"], summary["components"], summary["isolates"], summary["communities"]) == (
        7,
        7,
        2,
        1,
        3,
    )
    assert summary["modularity"] == pytest.approx(
        nx.community.modularity(graph, [{"a", "b", "c"}, {"x", "y", "z"}, {"lonely"}])
    )


def test_sampled_betweenness_is_reproducible():
    graph = nx.barabasi_albert_graph(300, 2, seed=1)
    first = node_metrics(graph, exact_betweenness_limit=100, betweenness_sample=50)
    second = node_metrics(graph, exact_betweenness_limit=100, betweenness_sample=50)
    assert first == second


def test_empty_and_edgeless_graphs():
    assert node_metrics(nx.Graph()) == {}
    assert graph_metrics(nx.Graph())["nodes"] == 0
    edgeless = nx.Graph()
    edgeless.add_nodes_from(["a", "b"])
    assert node_metrics(edgeless)["a"]["pagerank"] == 0.5 and graph_metrics(edgeless)["modularity"] is None


def test_metrics_on_the_fixture_network(data):
    graph = annotate(bipartite_network(data))
    summary = graph.graph["metrics"]
    assert (summary["nodes"], summary["edges"], summary["components"], summary["largest_component"]) == (14, 15, 2, 12)
    assert summary["density"] == pytest.approx(15 / (8 * 6))
    # Toulouse and Coallia are the bridges towards Autun and Nantes.
    top = sorted(graph, key=lambda n: -graph.nodes[n]["betweenness"])[:3]
    assert {graph.nodes[n]["id"] for n in top} == {"toulouse", "coallia", "adoma"}


def test_recurring_ranking_any_role(data):
    ranking = recurring_organisations(bipartite_network(data))
    assert [(r["rank"], r["id"], r["territories"], r["actions"]) for r in ranking] == [
        (1, "adoma", 3, 5),
        (2, "coallia", 3, 3),
        (3, "forum-refugies", 2, 2),
        (4, "ofii", 2, 2),
        (5, "soliha", 2, 2),
    ]
    adoma = ranking[0]
    assert adoma["roles"] == ["operator", "partner"] and adoma["territory_ids"] == ["grenoble", "lyon", "toulouse"]
    assert adoma["axes"] == ["langue-formation-emploi", "logement", "sante"]


def test_recurring_ranking_operators_and_threshold(data):
    operators = recurring_organisations(bipartite_network(data, NetworkFilter(role="operator")))
    assert [(r["id"], r["territories"], r["actions"]) for r in operators] == [("adoma", 3, 3), ("coallia", 3, 3)]
    assert [r["id"] for r in recurring_organisations(bipartite_network(data), min_territories=3)] == [
        "adoma",
        "coallia",
    ]
    assert len(recurring_organisations(bipartite_network(data), min_territories=1)) == 8
