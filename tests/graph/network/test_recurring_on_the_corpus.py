"""The headline answer, checked by hand against the two documents of the bundled corpus.

Any role, at least two territories (the sentence that places each organisation in each territory):
- Pôle emploi — Lyon ("vient en complément des financements de Pôle emploi"), Clermont-Ferrand
  (the working groups' participants), Nantes (the "diagnostic-action partenarial … Pole Emploi").
- Adoma — Grenoble ("Le programme INSAIR 38 (ADOMA)"), Dijon (partners of ENSEMBLE !: "… Coallia, Adoma …").
- Coallia — Brest ("Le Dispositif santé réfugiés (DSR) piloté par Coallia"), Dijon (partner in both documents).
- France Horizon — Bordeaux ("France Horizon a développé un projet d'accompagnement…"), Toulouse
  ("l'opérateur France Horizon").
- OFII — Nantes ("formations civiques de l'OFII"), Clermont-Ferrand (working groups).
At the level of legal entities (the default) that is all: the Soliha of Lyon (the Rhône association
managing "Louer solidaire 69") and Soliha 31 (Haute-Garonne) are two associations, and so are the CAF
of the Côte-d'Or (Dijon, article) and the CAF of the Puy-de-Dôme (Clermont-Ferrand, working groups).
At the level of networks (``level="network"``) the Soliha network and the CAF network are present
in two territories each.
Operators only: France Horizon (Bordeaux, Toulouse); the Soliha network (Lyon, Toulouse) only at
network level. Adoma operates only in Grenoble and Coallia's Brest role is "piloté par"
(coordinator), per the annotation guide in corpus/curation/expectations/.
"""

from __future__ import annotations

from ctair.graph.network import NetworkFilter, bipartite_network, load_network_data
from ctair.graph.network_metrics import recurring_organisations


def ranking(store, role="any", level="entity"):
    graph = bipartite_network(load_network_data(store), NetworkFilter(role=role, level=level))
    assert graph.graph["level"] == level
    return {row["id"]: row["territory_ids"] for row in recurring_organisations(graph, min_territories=2)}


ENTITIES = {
    "pole-emploi": ["clermont-ferrand", "lyon", "nantes"],
    "adoma": ["dijon", "grenoble"],
    "coallia": ["brest", "dijon"],
    "france-horizon": ["bordeaux", "toulouse"],
    "ofii": ["clermont-ferrand", "nantes"],
}


def test_recurring_organisations_any_role(built_store):
    assert ranking(built_store) == ENTITIES


def test_recurring_networks_any_role(built_store):
    assert ranking(built_store, level="network") == {
        **ENTITIES,
        "soliha": ["lyon", "toulouse"],
        "caf": ["clermont-ferrand", "dijon"],
    }


def test_recurring_operators(built_store):
    assert ranking(built_store, role="operator") == {"france-horizon": ["bordeaux", "toulouse"]}
    assert ranking(built_store, role="operator", level="network") == {
        "france-horizon": ["bordeaux", "toulouse"],
        "soliha": ["lyon", "toulouse"],
    }


def test_the_ranking_puts_the_most_present_first(built_store):
    graph = bipartite_network(load_network_data(built_store))
    rows = recurring_organisations(graph, min_territories=2)
    assert rows[0]["id"] == "pole-emploi" and rows[0]["territories"] == 3


def test_the_3w_table_counts_people_as_the_documents_state_them(built_store):
    """A range stays a range and a part is never added to its whole (was 45 for "20 à 25 BPI" and
    32 for "20 primo-arrivants dont 12 BPI")."""
    from ctair.graph.export_3w import rows_3w

    people = {
        (r["territory"], r["action"]): (r["people"], r["people_min"], r["people_max"])
        for r in rows_3w(load_network_data(built_store))
    }
    assert people[("Lyon", "Mobiliser le parc privé pour les ménages")] == ("20–25", 20, 25)
    assert people[("Bordeaux", "AIM : une approche interculturelle pour les projets d'intégration")] == (20, 20, 20)
    assert people[("Nancy", "Action-mobilité : vers des déplacements en autonomie")] == (12, 12, 12)
