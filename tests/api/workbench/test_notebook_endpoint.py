"""The notebook's store can be a running server: CTAIR_ENDPOINT names its /sparql."""

from __future__ import annotations


def test_the_notebook_reads_a_running_endpoint(server):
    from ctair.graph.network import load_network_data
    from ctair.notebook import open_project_store

    store = open_project_store(environ={"CTAIR_ENDPOINT": server + "/sparql"})
    assert len(store.select("SELECT ?t WHERE { ?t a <https://w3id.org/ctair/ontology#Territory> }")) >= 10
    assert len(load_network_data(store).actions) >= 30
