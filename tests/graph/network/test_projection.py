"""The projections against their definition, on a random bipartite graph: same links, weights,
``shared`` lists, node and link order (Louvain and the exports depend on the order)."""

from __future__ import annotations

import random
from itertools import combinations

import networkx as nx
import pytest

from ctair.graph.network import ORGANISATION, TERRITORY, nodes_of_kind, organisation_network, territory_network


def random_bipartite(seed: int) -> nx.Graph:
    rng = random.Random(seed)
    graph = nx.Graph(network="bipartite", filters={})
    organisations = [f"o/{i:03d}" for i in rng.sample(range(200), 60)]
    territories = [f"t/{i:03d}" for i in rng.sample(range(200), 25)]
    for node in organisations:
        graph.add_node(node, kind=ORGANISATION, id=f"org-{rng.randrange(1000)}-{node[2:]}", bipartite=0)
    for node in territories:
        graph.add_node(node, kind=TERRITORY, id=f"ter-{rng.randrange(1000)}-{node[2:]}", bipartite=1)
    for organisation in organisations:
        for territory in rng.sample(territories, rng.choice((1, 1, 2, 3, 8))):
            graph.add_edge(organisation, territory, weight=1)
    graph.add_node("o/lonely", kind=ORGANISATION, id="lonely", bipartite=0)  # no territory: kept, without links
    return graph


def projection_by_definition(bipartite: nx.Graph, kind: str, other: str) -> list[tuple[str, str, dict]]:
    shared: dict[tuple[str, str], list[str]] = {}
    for counterpart in nodes_of_kind(bipartite, other):
        for u, v in combinations(sorted(bipartite[counterpart]), 2):
            shared.setdefault((u, v), []).append(bipartite.nodes[counterpart]["id"])
    return [(u, v, {"weight": len(ids), "shared": sorted(ids)}) for (u, v), ids in sorted(shared.items())]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    ("project", "kind", "other"),
    [(organisation_network, ORGANISATION, TERRITORY), (territory_network, TERRITORY, ORGANISATION)],
)
def test_projection_matches_its_definition(seed, project, kind, other):
    bipartite = random_bipartite(seed)
    graph = project(bipartite)
    assert list(graph) == sorted(nodes_of_kind(bipartite, kind))
    assert list(graph.edges(data=True)) == projection_by_definition(bipartite, kind, other)


def test_projection_without_shared_counterparts_has_no_links():
    bipartite = nx.Graph(network="bipartite")
    bipartite.add_nodes_from([("o1", {"kind": ORGANISATION, "id": "o1"}), ("o2", {"kind": ORGANISATION, "id": "o2"})])
    bipartite.add_nodes_from([("t1", {"kind": TERRITORY, "id": "t1"}), ("t2", {"kind": TERRITORY, "id": "t2"})])
    bipartite.add_edges_from([("o1", "t1"), ("o2", "t2")])
    assert list(organisation_network(bipartite)) == ["o1", "o2"]
    assert organisation_network(bipartite).number_of_edges() == 0
    assert territory_network(bipartite).number_of_edges() == 0
