"""The three networks built from the fixture store: nodes, edges, attributes, weights, filters."""

from __future__ import annotations

import pytest

from ctair.api.routes.network import metrics_json, network_json
from ctair.graph.network import (
    NetworkError,
    NetworkFilter,
    axis_subnetworks,
    bipartite_network,
    build_network,
    load_network_data,
    organisation_network,
    territory_network,
)

from .conftest import ORG, T


def ids(graph, u, v):
    return tuple(sorted((graph.nodes[u]["id"], graph.nodes[v]["id"])))


def weighted_edges(graph):
    return {ids(graph, u, v): d["weight"] for u, v, d in graph.edges(data=True)}


EXPECTED_BIPARTITE = {
    ("adoma", "lyon"): 2,
    ("adoma", "grenoble"): 2,
    ("adoma", "toulouse"): 1,
    ("lyon", "soliha"): 1,
    ("soliha", "toulouse"): 1,
    ("autun", "coallia"): 1,
    ("coallia", "nantes"): 1,
    ("coallia", "toulouse"): 1,
    ("france-horizon", "nantes"): 2,
    ("grenoble", "intermed"): 1,
    ("lyon", "ofii"): 1,
    ("autun", "ofii"): 1,
    ("forum-refugies", "lyon"): 1,
    ("forum-refugies", "toulouse"): 1,
    ("brest", "don-bosco"): 1,
}


def test_bipartite_nodes_and_weighted_edges(data):
    graph = bipartite_network(data)
    assert graph.number_of_nodes() == 14
    kinds = {graph.nodes[n]["id"]: graph.nodes[n]["kind"] for n in graph}
    assert sorted(k for k, v in kinds.items() if v == "territory") == [
        "autun",
        "brest",
        "grenoble",
        "lyon",
        "nantes",
        "toulouse",
    ]
    assert sum(1 for v in kinds.values() if v == "organisation") == 8
    assert weighted_edges(graph) == EXPECTED_BIPARTITE


def test_bipartite_node_and_edge_attributes(data):
    graph = bipartite_network(data)
    assert graph.nodes[ORG + "adoma"] == {
        "kind": "organisation",
        "label": "Adoma",
        "id": "adoma",
        "iri": ORG + "adoma",
        "bipartite": 0,
        "org_type": "Company",
    }
    lyon = graph.nodes[T + "lyon"]
    assert (lyon["kind"], lyon["label"], lyon["insee_code"], lyon["bipartite"]) == ("territory", "Lyon", "69123", 1)
    edge = graph.edges[ORG + "adoma", T + "lyon"]
    assert edge == {
        "weight": 2,
        "actions": 2,
        "contracts": 0,
        "contract_iris": [],
        "action_iris": ["https://example.org/id/action/lyon-1", "https://example.org/id/action/lyon-2"],
        "roles": ["operator", "partner"],
        "axes": ["emploi", "logement"],
        "top_axes": ["langue-formation-emploi", "logement"],
        "sources": ["https://example.org/id/source/report-2019"],
        "contract_kinds": ["CTAIR"],
        "years": [2019],
    }
    assert graph.edges[ORG + "don-bosco", T + "brest"]["years"] == []  # a contract without a year


def test_organisation_projection_weights_are_shared_territories(data):
    graph = organisation_network(bipartite_network(data))
    assert graph.number_of_nodes() == 8 and ORG + "don-bosco" in graph and graph.degree(ORG + "don-bosco") == 0
    assert weighted_edges(graph) == {
        ("adoma", "soliha"): 2,
        ("adoma", "forum-refugies"): 2,
        ("forum-refugies", "soliha"): 2,
        ("adoma", "ofii"): 1,
        ("adoma", "intermed"): 1,
        ("adoma", "coallia"): 1,
        ("ofii", "soliha"): 1,
        ("coallia", "soliha"): 1,
        ("forum-refugies", "ofii"): 1,
        ("coallia", "forum-refugies"): 1,
        ("coallia", "ofii"): 1,
        ("coallia", "france-horizon"): 1,
    }
    assert graph.edges[ORG + "adoma", ORG + "soliha"]["shared"] == ["lyon", "toulouse"]


def test_territory_projection_weights_are_shared_organisations(data):
    graph = territory_network(bipartite_network(data))
    assert weighted_edges(graph) == {
        ("lyon", "toulouse"): 3,
        ("grenoble", "lyon"): 1,
        ("grenoble", "toulouse"): 1,
        ("autun", "nantes"): 1,
        ("autun", "toulouse"): 1,
        ("nantes", "toulouse"): 1,
        ("autun", "lyon"): 1,
    }
    assert graph.edges[T + "lyon", T + "toulouse"]["shared"] == ["adoma", "forum-refugies", "soliha"]
    assert graph.degree(T + "brest") == 0


def test_role_filter_keeps_operators_only(data):
    graph = bipartite_network(data, NetworkFilter(role="operator"))
    assert weighted_edges(graph) == {
        ("adoma", "lyon"): 1,
        ("adoma", "grenoble"): 1,
        ("adoma", "toulouse"): 1,
        ("lyon", "soliha"): 1,
        ("autun", "coallia"): 1,
        ("coallia", "nantes"): 1,
        ("coallia", "toulouse"): 1,
        ("france-horizon", "nantes"): 1,
        ("grenoble", "intermed"): 1,
        ("forum-refugies", "lyon"): 1,
        ("brest", "don-bosco"): 1,
    }
    assert ORG + "ofii" not in graph  # only a funder
    assert all(d["roles"] == ["operator"] for _, _, d in graph.edges(data=True))
    assert bipartite_network(data, NetworkFilter(role="coordinator")).number_of_nodes() == 0


def test_axis_filter_includes_narrower_themes(data):
    housing = bipartite_network(data, NetworkFilter(axis="logement"))
    assert weighted_edges(housing) == {
        ("adoma", "lyon"): 1,
        ("lyon", "soliha"): 1,
        ("adoma", "grenoble"): 1,
        ("autun", "coallia"): 1,
        ("autun", "ofii"): 1,
        ("coallia", "nantes"): 1,
        ("france-horizon", "nantes"): 1,
        ("adoma", "toulouse"): 1,
        ("soliha", "toulouse"): 1,
    }
    assert weighted_edges(bipartite_network(data, NetworkFilter(axis="Hébergement"))) == {
        ("adoma", "grenoble"): 1,
        ("coallia", "nantes"): 1,
        ("france-horizon", "nantes"): 1,
    }
    iri = "https://w3id.org/ctair/axis/logement"
    assert weighted_edges(bipartite_network(data, NetworkFilter(axis=iri))) == weighted_edges(housing)


def test_kind_and_year_filters(data):
    assert weighted_edges(bipartite_network(data, NetworkFilter(kind="ptair"))) == {
        ("autun", "coallia"): 1,
        ("autun", "ofii"): 1,
    }
    years = bipartite_network(data, NetworkFilter(year=2021))
    assert {
        graph_id for u in years for graph_id in [years.nodes[u]["id"]] if years.nodes[u]["kind"] == "territory"
    } == {"nantes", "toulouse"}
    both = bipartite_network(data, NetworkFilter(role="operator", kind="CTAIR", year=2021))
    assert weighted_edges(both) == {("adoma", "toulouse"): 1, ("coallia", "toulouse"): 1}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"role": "boss"}, "unknown role 'boss'"),
        ({"kind": "CTX"}, "unknown contract kind"),
        ({"year": "2020"}, "integer"),
    ],
)
def test_bad_filters_are_named(kwargs, message):
    with pytest.raises(NetworkError, match=message):
        NetworkFilter(**kwargs)


def test_unknown_axis_suggests_close_names(data):
    with pytest.raises(NetworkError, match="unknown axis 'logment'; close names: logement"):
        bipartite_network(data, NetworkFilter(axis="logment"))
    with pytest.raises(NetworkError, match="unknown network"):
        build_network(data, "people")


def test_axis_subnetworks_who_does_what_where(data):
    networks = axis_subnetworks(data, NetworkFilter(role="operator"))
    assert sorted(networks) == ["langue-formation-emploi", "logement", "sante"]
    health = networks["sante"]
    assert weighted_edges(health) == {
        ("grenoble", "intermed"): 1,
        ("forum-refugies", "lyon"): 1,
        ("coallia", "toulouse"): 1,
    }
    assert health.graph["axis_label"] == "Santé"


def test_api_shapes_are_one_call(store):
    data = load_network_data(store)
    body = network_json(data, "territories")
    assert body["graph"]["network"] == "territories" and body["graph"]["metrics"]["nodes"] == 6
    node = next(n for n in body["nodes"] if n["slug"] == "lyon")
    assert node["id"] == node["iri"] == T + "lyon" and {"pagerank", "betweenness", "community", "degree"} <= set(node)
    assert {(link["source"], link["target"]) for link in body["links"]} >= {(T + "lyon", T + "toulouse")}
    metrics = metrics_json(data, NetworkFilter(role="operator"))
    assert metrics["networks"]["bipartite"]["edges"] == 11
    assert [r["id"] for r in metrics["recurring"]] == ["adoma", "coallia"]
    assert [a["axis"] for a in metrics["axes"]] == ["langue-formation-emploi", "logement", "sante"]
