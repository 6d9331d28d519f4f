"""Network files round-trip through networkx readers; pictures are real PNG/SVG files; the 3W table."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from openpyxl import load_workbook

from ctair.graph.export_3w import COLUMNS, HASHTAGS, HEADERS, ROLE_COLUMNS, rows_3w, write_3w
from ctair.graph.network import NetworkFilter, bipartite_network, organisation_network
from ctair.graph.network_export import LIST_SEPARATOR, NetworkExportError, write_network
from ctair.graph.network_metrics import annotate
from ctair.graph.network_plot import PlotError, plot_network, plot_recurring_bars

from .conftest import ORG, T


def _expected(value):
    return LIST_SEPARATOR.join(map(str, value)) if isinstance(value, list) else value


def assert_same_graph(original, read, *, gexf: bool):
    assert set(read.nodes) == set(original.nodes)
    assert {frozenset(e) for e in read.edges} == {frozenset(e) for e in original.edges}
    for node, data in original.nodes(data=True):
        got = read.nodes[node]
        for key, value in data.items():
            key = "entity_id" if gexf and key == "id" else key
            if isinstance(value, float):
                assert got[key] == pytest.approx(value), (node, key)
            else:
                assert got[key] == _expected(value), (node, key)
    for u, v, data in original.edges(data=True):
        got = read.edges[u, v]
        for key, value in data.items():
            if key == "weight" or isinstance(value, float):
                assert float(got[key]) == pytest.approx(float(value)), (u, v, key)
            elif value == []:
                assert got.get(key, "") == "", (u, v, key)
            else:
                assert got[key] == _expected(value), (u, v, key)


@pytest.fixture(scope="module")
def annotated(data):
    return annotate(bipartite_network(data))


def test_gexf_round_trip(annotated, tmp_path):
    path = write_network(annotated, tmp_path / "network.gexf")
    read = nx.read_gexf(path)
    assert_same_graph(annotated, read, gexf=True)
    assert read.nodes[ORG + "adoma"]["label"] == "Adoma"  # the GEXF label Gephi shows


def test_graphml_round_trip(annotated, tmp_path):
    path = write_network(annotated, tmp_path / "network.graphml")
    read = nx.read_graphml(path)
    assert_same_graph(annotated, read, gexf=False)
    assert read.graph["network"] == "bipartite" and read.graph["filter_role"] == "any"


def test_projection_round_trips(data, tmp_path):
    graph = annotate(organisation_network(bipartite_network(data)))
    assert_same_graph(graph, nx.read_gexf(write_network(graph, tmp_path / "o.gexf")), gexf=True)
    assert_same_graph(graph, nx.read_graphml(write_network(graph, tmp_path / "o.graphml")), gexf=False)


def test_node_link_json_round_trip(annotated, tmp_path):
    body = json.loads(write_network(annotated, tmp_path / "network.json").read_text(encoding="utf-8"))
    assert body["graph"]["metrics"]["edges"] == 15
    assert all(link["source"].startswith(ORG) and link["target"].startswith(T) for link in body["links"])
    read = nx.node_link_graph(body, edges="links")  # networkx's defaults: node key "id"
    assert set(read.nodes) == set(annotated.nodes) and read.number_of_nodes() == annotated.number_of_nodes()
    assert (
        read.edges[ORG + "adoma", T + "lyon"]["action_iris"]
        == annotated.edges[ORG + "adoma", T + "lyon"]["action_iris"]
    )
    assert read.nodes[ORG + "adoma"]["slug"] == "adoma"


def test_node_link_json_has_one_identifier_for_nodes_and_links(annotated, tmp_path):
    """What d3's forceLink().id(d => d.id) needs: every link end is some node's id."""
    body = json.loads(write_network(annotated, tmp_path / "network.json").read_text(encoding="utf-8"))
    ids = [node["id"] for node in body["nodes"]]
    assert len(ids) == len(set(ids)) == annotated.number_of_nodes()
    assert {end for link in body["links"] for end in (link["source"], link["target"])} <= set(ids)
    again = nx.node_link_data(nx.node_link_graph(body, edges="links"), edges="links")  # a round trip
    assert sorted(n["id"] for n in again["nodes"]) == sorted(ids)
    assert len(again["links"]) == len(body["links"])


def test_csv_edge_list(annotated, tmp_path):
    with write_network(annotated, tmp_path / "edges.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 15
    adoma_lyon = next(r for r in rows if r["source"] == ORG + "adoma" and r["target"] == T + "lyon")
    assert (adoma_lyon["source_label"], adoma_lyon["target_label"], adoma_lyon["weight"], adoma_lyon["roles"]) == (
        "Adoma",
        "Lyon",
        "2",
        "operator; partner",
    )


def test_export_errors(annotated, tmp_path):
    with pytest.raises(NetworkExportError, match="cannot tell the format"):
        write_network(annotated, tmp_path / "network.dot")
    with pytest.raises(NetworkExportError, match="unknown format"):
        write_network(annotated, tmp_path / "network.gexf", "dot")
    with pytest.raises(NetworkExportError, match="does not exist"):
        write_network(annotated, tmp_path / "missing" / "network.gexf")


def test_png_and_svg_pictures(data, tmp_path):
    graph = bipartite_network(data)
    png = plot_network(graph, tmp_path / "network.png")
    bars = plot_recurring_bars(graph, tmp_path / "bars.png")
    svg = plot_network(graph, tmp_path / "network.svg")
    for path in (png, bars):
        content = path.read_bytes()
        assert content[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
        assert 800 <= width <= 5000 and 300 <= height <= 5000, (path, width, height)
        assert 10_000 < len(content) < 3_000_000
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = svg.read_text(encoding="utf-8")
    assert 'id="label-adoma"' in text and 'id="label-lyon"' in text  # every label is drawn, findable by its gid
    with pytest.raises(PlotError, match=".png or .svg"):
        plot_network(graph, tmp_path / "network.pdf")


def test_empty_network_still_draws(data, tmp_path):
    graph = bipartite_network(data, NetworkFilter(role="coordinator"))
    assert plot_network(graph, tmp_path / "empty.png").stat().st_size > 1000
    assert plot_recurring_bars(graph, tmp_path / "empty-bars.png").stat().st_size > 1000


def test_3w_rows_one_per_organisation_action_territory(data):
    rows = rows_3w(data)
    keys = {(r["organisation_id"], r["action_iri"], r["territory_id"]) for r in rows}
    assert len(rows) == len(keys) == 18  # 18 participations, no organisation has two roles in one action
    lyon_1 = [r for r in rows if r["action_iri"].endswith("/lyon-1")]
    assert [(r["organisation"], r["role"], r["operator"], r["partner"]) for r in lyon_1] == [
        ("Adoma", "partner", "", "Adoma"),
        ("Soliha", "operator", "Soliha", ""),
    ]
    first = lyon_1[0]
    assert (
        first["axis"],
        first["theme"],
        first["territory"],
        first["insee_code"],
        first["contract_kind"],
        first["year"],
    ) == (
        "Logement",
        "Logement",
        "Lyon",
        "69123",
        "CTAIR",
        2019,
    )
    assert (first["people"], first["households"], first["funding_eur"], first["quantities"]) == (
        12,
        None,
        None,
        "5 logements; 12 réfugiés",
    )
    toulouse_2 = next(r for r in rows if r["action_iri"].endswith("/toulouse-2") and r["organisation_id"] == "coallia")
    assert toulouse_2["axis"] == "Langue, formation et emploi; Santé" and toulouse_2["theme"] == "Emploi; Santé"
    assert len(rows_3w(data, NetworkFilter(role="operator"))) == 11


def test_3w_csv_has_the_hxl_row(data, tmp_path):
    path = tmp_path / "3w.csv"
    assert write_3w(data, path) == 18
    with path.open(encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0] == HEADERS and table[1] == HASHTAGS
    assert len(table) == 2 + 18
    assert {
        "#org+impl",
        "#org+partner",
        "#org+funder",
        "#sector",
        "#activity+name",
        "#adm2+name",
        "#loc+code",
        "#date+year",
        "#targeted+ind",
    } <= set(table[1])
    column = {tag: i for i, tag in enumerate(table[1])}
    ofii_autun = next(r for r in table[2:] if r[column["#org+funder"]] == "OFII" and r[column["#adm2+name"]] == "Autun")
    assert (ofii_autun[column["#loc+code"]], ofii_autun[column["#date+year"]], ofii_autun[column["#targeted+hh"]]) == (
        "71014",
        "2020",
        "10",
    )


def test_3w_xlsx_opens_with_openpyxl(data, tmp_path):
    path = tmp_path / "3w.xlsx"
    write_3w(data, path, NetworkFilter(axis="sante"))
    sheet = load_workbook(path)["3W"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADERS and list(values[1]) == HASHTAGS
    assert len(values) == 2 + 5  # lyon-3, grenoble-1 (2 organisations), toulouse-2 (2)
    year = [r[HASHTAGS.index("#date+year")] for r in values[2:]]
    assert set(year) == {2019, 2021}  # numbers stay numbers


def test_3w_role_hashtags_match_the_role_scheme():
    """The role columns use the ctair:hxlAttribute of ontology/schemes.ttl (first one when several)."""
    from pathlib import Path

    from pyoxigraph import RdfFormat, Store

    schemes = Path(__file__).resolve().parents[3] / "ontology" / "schemes.ttl"
    if not schemes.exists():
        pytest.skip("ontology/schemes.ttl not there yet")
    store = Store()
    store.load(path=str(schemes), format=RdfFormat.TURTLE)
    found = {}
    for solution in store.query(
        "SELECT ?role ?tag WHERE { ?role <https://w3id.org/ctair/ontology#hxlAttribute> ?tag "
        "FILTER(STRSTARTS(STR(?role), 'https://w3id.org/ctair/role/')) }"
    ):
        found.setdefault(solution["role"].value.rsplit("/", 1)[-1], set()).add(solution["tag"].value)
    for role, (_, tag) in ROLE_COLUMNS.items():
        assert tag.removeprefix("#org") in found[role], role
    assert len(COLUMNS) == len(set(HASHTAGS))
