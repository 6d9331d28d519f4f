"""``/api/network/…`` and ``/api/export/3w`` on the real server, over HTTP, on the bundled corpus.

The corpus has 12 territories with actions (``/api/territories``), 11 of them with at least one
organisation: Autun's one action (the 2021 PTAIR document) names no organisation, so Autun is
not in the network (a network is made of participations in actions and contracts). 66 legal
entities; Adoma, Coallia and France Horizon each work in 2 territories, Pôle emploi in 3; with
``role=operator`` only France Horizon is in more than one territory — and the Soliha network (its
Rhône and Haute-Garonne associations) at ``level=network``.
"""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest

from ctair.graph.network_metrics import NODE_METRICS

BASE = "https://w3id.org/ctair/"
ORG = BASE + "id/organisation/"
TERRITORY = BASE + "id/territory/"


def kinds(body: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in body["nodes"]:
        counts[node["kind"]] = counts.get(node["kind"], 0) + 1
    return counts


def neighbours(body: dict, iri: str) -> set[str]:
    return {link["target"] for link in body["links"] if link["source"] == iri} | {
        link["source"] for link in body["links"] if link["target"] == iri
    }


def assert_error(response, status: int, code: str, parameter: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status and error["code"] == code
    assert error["title"] and error["detail"]
    if parameter is not None:
        assert error["parameter"] == parameter
    return error


# --------------------------------------------------------------------------- the networks


def test_bipartite_network_shape_and_counts(bipartite, http):
    assert bipartite["directed"] is False and bipartite["multigraph"] is False
    graph = bipartite["graph"]
    assert graph["network"] == "bipartite"
    assert graph["filters"] == {"role": "any", "axis": None, "kind": None, "year": None, "level": "entity"}
    assert graph["level"] == "entity"
    assert kinds(bipartite) == {"organisation": 66, "territory": 12}
    metrics = graph["metrics"]
    assert metrics["nodes"] == len(bipartite["nodes"]) == 78
    assert metrics["edges"] == len(bipartite["links"]) == 72
    assert metrics["nodes_by_kind"] == {"organisation": 66, "territory": 12}

    # every territory with actions is in the network, and Autun too: its PTAIR (a zoom of the
    # article, no action) names the Ville and its department as coordinators of the contract
    with_actions = {t["iri"] for t in http.get("/api/territories").json() if t["actions_count"]}
    assert len(with_actions) == 11
    drawn = {n["iri"] for n in bipartite["nodes"] if n["kind"] == "territory"}
    assert drawn - with_actions == {TERRITORY + "autun"}

    iris = {n["iri"] for n in bipartite["nodes"]}
    kind_of = {n["iri"]: n["kind"] for n in bipartite["nodes"]}
    for node in bipartite["nodes"]:
        assert {"iri", "id", "label", "kind", "bipartite", *NODE_METRICS} <= set(node), node
    for link in bipartite["links"]:
        assert link["source"] in iris and link["target"] in iris
        assert (kind_of[link["source"]], kind_of[link["target"]]) == ("organisation", "territory")
        assert link["weight"] == link["actions"] + link["contracts"] >= 1
        assert (link["actions"], link["contracts"]) == (len(link["action_iris"]), len(link["contract_iris"]))
        assert set(link["roles"]) and set(link["years"]) <= {2019}


def test_recurring_organisations_have_two_territories(bipartite):
    degree = {n["iri"]: n["degree"] for n in bipartite["nodes"]}
    assert degree[ORG + "adoma"] == degree[ORG + "coallia"] == degree[ORG + "france-horizon"] == 2
    assert degree[ORG + "pole-emploi"] == 3
    assert neighbours(bipartite, ORG + "adoma") == {TERRITORY + "dijon", TERRITORY + "grenoble"}
    assert neighbours(bipartite, ORG + "coallia") == {TERRITORY + "brest", TERRITORY + "dijon"}
    assert neighbours(bipartite, ORG + "france-horizon") == {TERRITORY + "bordeaux", TERRITORY + "toulouse"}


@pytest.mark.parametrize(
    "network, kind, count", [("organisations", "organisation", 66), ("territories", "territory", 12)]
)
def test_projections(http, network, kind, count):
    body = http.get(f"/api/network/{network}").json()
    assert body["graph"]["network"] == network
    assert kinds(body) == {kind: count}
    assert body["graph"]["metrics"]["edges"] == len(body["links"])
    assert all(link["weight"] == len(link["shared"]) for link in body["links"])


def test_organisation_projection_links_adoma_and_coallia_through_dijon(http):
    body = http.get("/api/network/organisations").json()
    link = next(x for x in body["links"] if {x["source"], x["target"]} == {ORG + "adoma", ORG + "coallia"})
    assert link["shared"] == ["dijon"]


def test_metrics(http):
    body = http.get("/api/network/metrics").json()
    assert set(body) == {"filters", "level", "networks", "recurring", "axes"}
    assert set(body["networks"]) == {"bipartite", "organisations", "territories"}
    assert body["networks"]["bipartite"]["nodes_by_kind"] == {"organisation": 66, "territory": 12}
    ranking = {r["id"]: r["territories"] for r in body["recurring"]}
    # legal entities: the CAF of the Côte-d'Or and of the Puy-de-Dôme are two, and so are the two Soliha associations
    assert ranking == {"pole-emploi": 3, "adoma": 2, "coallia": 2, "france-horizon": 2, "ofii": 2}
    assert body["recurring"][0]["id"] == "pole-emploi" and body["recurring"][0]["rank"] == 1
    assert body["axes"] and all(
        {"axis", "label", "organisations", "territories", "actions", "top_organisations"} <= set(a)
        for a in body["axes"]
    )
    # the same organisations as the SPARQL-based ranking of /api/network/recurring
    assert {r["organisation"]["id"] for r in http.get("/api/network/recurring").json()} == set(ranking)
    # min_territories
    three = http.get("/api/network/metrics", params={"min_territories": 3}).json()
    assert [r["id"] for r in three["recurring"]] == ["pole-emploi"]


# --------------------------------------------------------------------------- filters


def test_role_operator_leaves_france_horizon_and_soliha(http, bipartite):
    body = http.get("/api/network/metrics", params={"role": "operator"}).json()
    assert body["filters"]["role"] == "operator"
    assert sorted(r["label"] for r in body["recurring"]) == ["France Horizon"]
    grouped = http.get("/api/network/metrics", params={"role": "operator", "level": "network"}).json()
    assert grouped["level"] == "network"
    assert sorted(r["label"] for r in grouped["recurring"]) == ["France Horizon", "Réseau Soliha"]
    network = http.get("/api/network/bipartite", params={"role": "operator"}).json()
    assert network["graph"]["filters"]["role"] == "operator"
    assert 0 < len(network["nodes"]) < len(bipartite["nodes"])
    assert all(link["roles"] == ["operator"] for link in network["links"])


def test_axis_filter_by_id_or_label(http, bipartite):
    by_id = http.get("/api/network/bipartite", params={"axis": "logement"})
    assert by_id.status_code == 200, by_id.text
    by_label = http.get("/api/network/bipartite", params={"axis": "LOGEMENT"}).json()
    assert by_id.json()["nodes"] == by_label["nodes"]
    assert by_id.json()["graph"]["filters"]["axis"] == "logement"
    assert 0 < len(by_label["nodes"]) < len(bipartite["nodes"])
    assert all("logement" in link["top_axes"] or "logement" in link["axes"] for link in by_label["links"])
    # an empty value is no filter (what an HTML form sends)
    assert len(http.get("/api/network/bipartite", params={"axis": ""}).json()["nodes"]) == len(bipartite["nodes"])


def test_kind_and_year_filters(http, bipartite):
    ctair = http.get("/api/network/bipartite", params={"kind": "ctair", "year": "2019"}).json()
    assert ctair["graph"]["filters"] == {"role": "any", "axis": None, "kind": "CTAIR", "year": 2019, "level": "entity"}
    # every participation but the Autun PTAIR's (a PTAIR, with no stated year) is under a 2019 CTAIR
    assert len(ctair["nodes"]) == len(bipartite["nodes"]) - 3
    ptair = http.get("/api/network/bipartite", params={"kind": "PTAIR"}).json()
    assert len(ptair["nodes"]) < len(bipartite["nodes"])


@pytest.mark.parametrize(
    "params, parameter, allowed",
    [
        ({"role": "boss"}, "role", ["any", "operator", "partner", "funder", "coordinator", "participant", "signatory"]),
        ({"level": "region"}, "level", ["entity", "network"]),
        ({"kind": "CTX"}, "kind", ["CTAIR", "CTAI", "PTAIR", "PTAI"]),
        ({"year": "soon"}, "year", [2019]),
        ({"year": "1999"}, "year", [2019]),
    ],
)
def test_unknown_filter_values_are_400(http, params, parameter, allowed):
    for path in ("/api/network/bipartite", "/api/network/metrics", "/api/network/bipartite/export", "/api/export/3w"):
        error = assert_error(http.get(path, params=params), 400, "bad-parameter", parameter)
        assert error["allowed"] == allowed
        assert str(next(iter(params.values()))) in error["detail"]


def test_unknown_axis_is_400_with_the_axis_ids(http):
    error = assert_error(
        http.get("/api/network/territories", params={"axis": "astronomie"}), 400, "bad-parameter", "axis"
    )
    assert "logement" in error["allowed"] and "astronomie" in error["detail"]


def test_min_territories_must_be_a_positive_integer(http):
    for value in ("0", "two", "-1"):
        error = assert_error(
            http.get("/api/network/metrics", params={"min_territories": value}), 400, "bad-parameter", "min_territories"
        )
        assert error["minimum"] == 1


def test_unknown_network_is_404(http):
    for path in ("/api/network/people", "/api/network/people/export"):
        error = assert_error(http.get(path), 404, "not-found", "network")
        assert error["allowed"] == ["bipartite", "organisations", "territories"]


def test_errors_as_text_when_asked(http):
    response = http.get("/api/network/bipartite", params={"role": "boss"}, headers={"Accept": "text/plain"})
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("400 Bad Request (bad-parameter)")


def test_recurring_route_is_still_the_rest_one(http):
    body = http.get("/api/network/recurring").json()
    assert isinstance(body, list) and {"organisation", "territories", "count"} <= set(body[0])


def test_repeated_calls_answer_the_same_body(http):
    first = http.get("/api/network/bipartite", params={"role": "partner"})
    second = http.get("/api/network/bipartite", params={"role": "partner"})
    assert first.content == second.content


# --------------------------------------------------------------------------- downloads


def assert_attachment(response, media_type: str, filename: str) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.split("filename=", 1)[1].strip('"') == filename


@pytest.mark.parametrize("network", ["bipartite", "organisations", "territories"])
def test_gexf_and_graphml_match_the_json(http, network, tmp_path):
    body = http.get(f"/api/network/{network}").json()
    gexf = http.get(f"/api/network/{network}/export", params={"format": "gexf"})
    assert_attachment(gexf, "application/gexf+xml", f"ctair-{network}.gexf")
    (tmp_path / "n.gexf").write_bytes(gexf.content)
    graph = nx.read_gexf(tmp_path / "n.gexf")
    assert graph.number_of_nodes() == len(body["nodes"])
    assert graph.number_of_edges() == len(body["links"])
    assert set(graph.nodes) == {n["iri"] for n in body["nodes"]}

    graphml = http.get(f"/api/network/{network}/export", params={"format": "graphml"})
    assert_attachment(graphml, "application/graphml+xml", f"ctair-{network}.graphml")
    graph = nx.read_graphml(io.BytesIO(graphml.content))
    assert graph.number_of_nodes() == len(body["nodes"])
    assert graph.number_of_edges() == len(body["links"])
    pagerank = {n["iri"]: n["pagerank"] for n in body["nodes"]}
    assert all(graph.nodes[n]["pagerank"] == pytest.approx(pagerank[n]) for n in graph)  # the metrics are attributes


def test_json_and_csv_exports(http, bipartite):
    response = http.get("/api/network/bipartite/export", params={"format": "json"})
    assert_attachment(response, "application/json", "ctair-bipartite.json")
    # the file is the API's node-link JSON, without the API's labels of the actions behind the links
    assert json.loads(response.content) == {k: v for k, v in bipartite.items() if k != "actions"}
    assert all(iri in bipartite["actions"] for link in bipartite["links"] for iri in link["action_iris"])

    response = http.get("/api/network/bipartite/export", params={"format": "csv", "role": "operator"})
    assert_attachment(response, "text/csv", "ctair-bipartite.csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    operator = http.get("/api/network/bipartite", params={"role": "operator"}).json()
    assert len(rows) == len(operator["links"])
    assert {r["source_kind"] for r in rows} == {"organisation"} and {r["roles"] for r in rows} == {"operator"}


def test_unknown_export_format_is_400(http):
    error = assert_error(
        http.get("/api/network/bipartite/export", params={"format": "pdf"}), 400, "bad-parameter", "format"
    )
    assert error["allowed"] == ["gexf", "graphml", "json", "csv"]
    error = assert_error(http.get("/api/export/3w", params={"format": "ods"}), 400, "bad-parameter", "format")
    assert error["allowed"] == ["csv", "xlsx"]


def test_3w_csv_has_the_hxl_row(http, bipartite):
    response = http.get("/api/export/3w", params={"format": "csv"})
    assert_attachment(response, "text/csv", "ctair-3w.csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:2] == ["Organisation", "Organisation ID"]
    assert rows[1][0] == "#org+name" and all(tag.startswith("#") for tag in rows[1])
    assert "#org+impl" in rows[1] and "#adm2+name" in rows[1]
    # one row per organisation × action: as many as the actions summed over the network's links
    # one row per organisation × action, and per organisation × contract it takes part in directly
    assert len(rows) - 2 == sum(len(link["action_iris"]) + len(link["contract_iris"]) for link in bipartite["links"])
    names = {row[0] for row in rows[2:]}
    assert {"Adoma", "Coallia", "France Horizon"} <= names


def test_3w_xlsx_opens_with_openpyxl(http):
    from openpyxl import load_workbook

    response = http.get("/api/export/3w", params={"format": "xlsx", "role": "operator"})
    assert_attachment(response, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ctair-3w.xlsx")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["3W", "About"]
    rows = list(workbook["3W"].iter_rows(values_only=True))
    assert rows[1][0] == "#org+name"
    roles = {row[3] for row in rows[2:]}
    assert roles == {"operator"} and len(rows) > 2
