"""The "who does what where" REST API over HTTP, on the real server and the real corpus build.

The field names asserted here are a published contract: a failing test here means a client breaks.
"""

from __future__ import annotations

import httpx
import pytest

from tests.serving import running_server


@pytest.fixture(scope="module")
def api(built_store_path):
    with running_server(built_store_path) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


def assert_error_shape(response, status):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert {"code", "title", "detail"} <= set(body["error"])
    return body["error"]


@pytest.mark.parametrize("spelling", ["ADOMA", "adoma", "Adôma", "a.d.o.m.a"])
def test_who_finds_an_organisation_in_any_spelling(api, spelling):
    response = api.get("/api/who", params={"organisation": spelling})
    assert response.status_code == 200
    body = response.json()
    assert set(body["organisation"]) >= {"id", "iri", "label", "aliases"}
    assert body["organisation"]["id"] == "adoma"
    assert {t["id"] for t in body["territories"]} >= {"grenoble", "dijon"}
    for territory in body["territories"]:
        assert set(territory) >= {"id", "iri", "label"}
    for action in body["actions"]:
        assert set(action) >= {"iri", "label", "role", "territory"}
        assert set(action["territory"]) >= {"id", "label"}
        assert action["role"] in {"operator", "partner", "funder", "coordinator", "participant"}


def test_who_unknown_name_is_a_404_with_close_names(api):
    error = assert_error_shape(api.get("/api/who", params={"organisation": "Coalia"}), 404)
    assert "Coallia" in error["suggestions"]


def test_who_without_a_name_is_a_4xx(api):
    assert_error_shape(api.get("/api/who"), 422)


def test_territories_list_has_the_contract_shape(api):
    territories = api.get("/api/territories").json()
    by_id = {t["id"]: t for t in territories}
    assert {"bordeaux", "lyon", "nantes", "autun"} <= set(by_id)
    for territory in territories:
        assert set(territory) >= {"id", "iri", "label", "contracts", "coordinators", "actions_count"}
        for contract in territory["contracts"]:
            assert set(contract) >= {"iri", "type", "year"}
            assert contract["type"] in {"CTAIR", "CTAI", "PTAIR", "PTAI"}
            assert contract["year"] is None or isinstance(contract["year"], int)
    assert {"type": "PTAIR"}.items() <= by_id["autun"]["contracts"][0].items()
    assert by_id["lyon"]["coordinators"][0]["label"] == "Benjamin Damasco"
    assert by_id["lyon"]["actions_count"] >= 3


def test_one_territory_lists_its_actions_with_their_facts(api):
    lyon = api.get("/api/territories/lyon").json()
    assert lyon["id"] == "lyon"
    first = next(a for a in lyon["actions"] if a["label"].startswith("Mobiliser le parc privé"))
    assert set(first) >= {"iri", "label", "description", "axes", "operators", "partners", "quantities", "source"}
    assert {"id": "soliha-rhone", "label": "Soliha (Rhône)"} in first["operators"]  # the local entity
    assert any(a["iri"].endswith("/logement") or "logement" in a["label"].lower() for a in first["axes"])
    assert all(set(q) >= {"value", "unit", "label"} for q in first["quantities"])
    assert first["source"]["file"] == "000_cce74c661e698747.txt"
    assert set(first["source"]) >= {"iri", "title", "file"}
    assert api.get("/api/territories/Métropole de Lyon").json()["id"] == "lyon"
    assert_error_shape(api.get("/api/territories/atlantis"), 404)


def test_organisations_search_and_detail(api):
    found = api.get("/api/organisations", params={"q": "horizon"}).json()
    assert [o["id"] for o in found] == ["france-horizon"]
    assert api.get("/api/organisations/coallia").json()["organisation"]["label"] == "Coallia"


def test_axes_and_their_actions(api):
    axes = api.get("/api/axes").json()
    top = {a["id"] for a in axes if a["broader"] is None}
    assert top == {
        "pilotage",
        "parcours-integration",
        "langue-formation-emploi",
        "logement",
        "sante",
        "acces-aux-droits",
        "liens-societe",
    }
    housing = api.get("/api/axes/logement").json()
    assert {"lyon", "toulouse", "rennes"} <= {t["id"] for t in housing["territories"]}


def test_recurring_organisations(api):
    recurring = api.get("/api/network/recurring", params={"min_territories": 2}).json()
    assert recurring == sorted(recurring, key=lambda r: -r["count"])
    by_id = {r["organisation"]["id"]: r for r in recurring}
    assert {"adoma", "coallia", "france-horizon"} <= set(by_id)
    for row in recurring:
        assert set(row) >= {"organisation", "territories", "count"}
        assert row["count"] == len(row["territories"]) >= 2
    assert_error_shape(api.get("/api/network/recurring", params={"min_territories": "many"}), 422)


def test_named_queries_run_with_bound_parameters(api):
    listed = {q["name"] for q in api.get("/api/queries").json()}
    assert "who-does-what-where" in listed
    result = api.get("/api/queries/territory-actions", params={"territory": "Brest"}).json()
    assert len(result["rows"]) == 3
    error = assert_error_shape(
        api.get("/api/queries/territory-actions", params={"territory": "Brest", "colour": "red"}), 400
    )
    assert error["parameter"] == "colour"
    assert_error_shape(api.get("/api/queries/no-such-query"), 404)
    assert_error_shape(api.get("/api/queries/_summary"), 404)


def test_openapi_documents_every_route(api):
    spec = api.get("/openapi.json").json()
    for path in (
        "/api/who",
        "/api/territories",
        "/api/territories/{territory_id}",
        "/api/organisations",
        "/api/organisations/{organisation_id}",
        "/api/axes",
        "/api/axes/{axis_id}",
        "/api/network/recurring",
        "/api/queries",
        "/api/queries/{name}",
    ):
        assert path in spec["paths"], path
    assert api.get("/docs").status_code == 200


def test_the_rest_api_reads_what_a_sparql_update_wrote(built_store_path, tmp_path):
    """After an update through /sparql, the REST API (its store handle and entity index) sees it."""
    import shutil

    from tests.api.sparql.conftest import TOKEN
    from tests.conftest import BASE_IRI

    store = tmp_path / "store"
    shutil.copytree(built_store_path, store)
    alias = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT DATA {{ GRAPH <{BASE_IRI}graph/registry> {{
  <{BASE_IRI}id/organisation/adoma> skos:altLabel "Zéphyr Solidarité"@fr }} }}"""
    with running_server(store, allow_update=True, admin_token=TOKEN) as base:
        assert httpx.get(base + "/api/who", params={"organisation": "Zéphyr Solidarité"}).status_code == 404
        done = httpx.post(
            base + "/sparql", data={"update": alias}, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        )
        assert done.status_code == 204, done.text
        found = httpx.get(base + "/api/who", params={"organisation": "zephyr solidarite"}, timeout=10)
        assert found.status_code == 200, found.text
        assert found.json()["organisation"]["id"] == "adoma"
