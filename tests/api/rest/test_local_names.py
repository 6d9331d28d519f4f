"""Local names find their local entity, and through it its network (issue #14, item 4), in
`ctair who`, `/api/who` and the search page; a network's name finds the network with its members."""

from __future__ import annotations

import httpx
import pytest

from ctair.cli import main
from tests.serving import running_server


@pytest.fixture(scope="module")
def api(built_store_path):
    with running_server(built_store_path) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@pytest.mark.parametrize(
    ("spelling", "entity", "network", "territory"),
    [
        ("CAF de la Côte-d'Or", "caf-cote-d-or", "caf", "dijon"),
        ("Soliha 31", "soliha-haute-garonne", "soliha", "toulouse"),
        ("Mission Locale de Nantes", "mission-locale-nantes", "mission-locale", "nantes"),
    ],
)
def test_a_local_name_is_its_local_entity_with_its_network(api, spelling, entity, network, territory):
    body = api.get("/api/who", params={"organisation": spelling}).json()
    assert body["organisation"]["id"] == entity
    assert body["organisation"]["network"]["id"] == network
    assert [t["id"] for t in body["territories"]] == [territory]


@pytest.mark.parametrize(
    ("spelling", "network", "members", "territories"),
    [
        ("Soliha", "soliha", {"soliha-rhone", "soliha-haute-garonne"}, {"lyon", "toulouse"}),
        ("caf", "caf", {"caf-cote-d-or", "caf-puy-de-dome"}, {"dijon", "clermont-ferrand"}),
    ],
)
def test_a_network_s_name_is_the_network_acting_through_its_members(api, spelling, network, members, territories):
    """ "Soliha" alone used to answer one of the local associations, whichever came first."""
    body = api.get("/api/who", params={"organisation": spelling}).json()
    assert body["organisation"]["id"] == network and body["organisation"]["network"] is None
    assert {m["id"] for m in body["organisation"]["members"]} == members
    assert {t["id"] for t in body["territories"]} == territories
    assert {a["organisation"]["id"] for a in body["actions"]} <= members


def test_ctair_who_prints_the_network_of_a_local_entity(built_store_path, capsys):
    assert main(["who", "Soliha 31", "--store", str(built_store_path)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Soliha 31") and "member of Réseau Soliha" in printed and "Toulouse" in printed


def test_search_puts_the_local_entity_first(api):
    page = api.get("/search", params={"q": "CAF de la Côte-d'Or"}, headers={"Accept": "text/html"}).text
    first = page.index("/organisation/caf-cote-d-or")
    assert "/organisation/caf-puy-de-dome" not in page or page.index("/organisation/caf-puy-de-dome") > first


def test_a_collectivity_s_siren_is_an_adms_identifier_citing_its_source(built_store):
    rows = built_store.select("""
        PREFIX adms: <http://www.w3.org/ns/adms#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?notation ?source WHERE {
          <https://w3id.org/ctair/id/organisation/metropole-de-lyon> adms:identifier ?i .
          ?i a adms:Identifier ; skos:notation ?notation ; dcterms:type "SIREN" ; dcterms:source ?source .
        }""")
    assert [(r["notation"].value, r["source"].value) for r in rows] == [
        ("200046977", "https://www.npmjs.com/package/@etalab/decoupage-administratif/v/6.0.0")
    ]
