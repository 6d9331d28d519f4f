"""``ctair network …`` and ``ctair export 3w`` end to end, on an on-disk store of the fixture."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
from openpyxl import load_workbook

from ctair.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_recurring_table(capsys, store_path):
    code, out, _ = run(capsys, "network", "recurring", "--store", str(store_path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["rank", "label", "territories", "actions", "roles", "territory_labels"]
    assert lines[2].split()[:4] == ["1", "Adoma", "3", "5"]
    assert "Forum réfugiés-Cosi" in out and lines[-1] == "(5 rows)"


def test_recurring_operators_json_and_csv(capsys, store_path):
    code, out, _ = run(
        capsys, "network", "recurring", "--store", str(store_path), "--role", "operator", "--format", "json"
    )
    assert code == 0
    assert [(r["id"], r["territories"], r["actions"]) for r in json.loads(out)] == [("adoma", 3, 3), ("coallia", 3, 3)]
    code, out, _ = run(
        capsys,
        "network",
        "recurring",
        "--store",
        str(store_path),
        "--min-territories",
        "1",
        "--axis",
        "santé",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["id"] for r in rows] == ["forum-refugies", "adoma", "coallia", "intermed"]


def test_metrics(capsys, store_path):
    code, out, _ = run(capsys, "network", "metrics", "--store", str(store_path), "--network", "territories")
    assert code == 0
    assert "nodes        6 (6 territories)" in out and "components   2" in out
    code, out, _ = run(capsys, "network", "metrics", "--store", str(store_path), "--format", "json")
    body = json.loads(out)
    assert (
        body["graph"]["edges"] == 15 and len(body["nodes"]) == 14 and {"pagerank", "community"} <= set(body["nodes"][0])
    )


@pytest.mark.parametrize("suffix, reader", [("gexf", nx.read_gexf), ("graphml", nx.read_graphml)])
def test_export_network_files(capsys, store_path, tmp_path, suffix, reader):
    out_file = tmp_path / f"organisations.{suffix}"
    code, out, _ = run(
        capsys, "network", "export", "--store", str(store_path), "--network", "organisations", "--out", str(out_file)
    )
    assert code == 0 and "8 nodes, 12 edges" in out
    graph = reader(out_file)
    assert graph.number_of_nodes() == 8 and graph.number_of_edges() == 12
    assert {d["label"] for _, d in graph.nodes(data=True)} >= {"Adoma", "Coallia"}


def test_export_json_and_csv_with_explicit_format(capsys, store_path, tmp_path):
    code, _, _ = run(
        capsys, "network", "export", "--store", str(store_path), "--format", "json", "--out", str(tmp_path / "n.txt")
    )
    assert code == 0 and len(json.loads((tmp_path / "n.txt").read_text())["links"]) == 15
    code, _, _ = run(
        capsys, "network", "export", "--store", str(store_path), "--role", "operator", "--out", str(tmp_path / "e.csv")
    )
    assert code == 0 and len((tmp_path / "e.csv").read_text().splitlines()) == 1 + 11


def test_plot_writes_network_and_bars(capsys, store_path, tmp_path):
    code, out, _ = run(capsys, "network", "plot", "--store", str(store_path), "--out", str(tmp_path / "net.png"))
    assert code == 0
    for name in ("net.png", "net-bars.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
    code, _, _ = run(
        capsys, "network", "plot", "--store", str(store_path), "--chart", "bars", "--out", str(tmp_path / "bars.svg")
    )
    assert code == 0 and (tmp_path / "bars.svg").read_text().lstrip().startswith("<?xml")


def test_export_3w_csv_and_xlsx(capsys, store_path, tmp_path):
    code, out, _ = run(capsys, "export", "3w", "--store", str(store_path), "--out", str(tmp_path / "3w.csv"))
    assert code == 0 and "18 rows" in out
    lines = (tmp_path / "3w.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("#org+name,") and len(lines) == 20
    code, out, _ = run(
        capsys, "export", "3w", "--store", str(store_path), "--role", "operator", "--out", str(tmp_path / "3w.xlsx")
    )
    assert code == 0 and load_workbook(tmp_path / "3w.xlsx")["3W"].max_row == 2 + 11


@pytest.mark.parametrize(
    "argv, message",
    [
        (["network", "recurring", "--role", "boss"], "unknown role 'boss'"),
        (["network", "recurring", "--axis", "logment"], "unknown axis 'logment'"),
        (["network", "recurring", "--kind", "CTX"], "unknown contract kind"),
        (["network", "export", "--out", "graph.dot"], "cannot tell the format"),
        (["network", "export", "--format", "dot", "--out", "graph.gexf"], "unknown format 'dot'"),
        (["network", "export", "--out", "/nonexistent/dir/graph.gexf"], "does not exist"),
        (["network", "plot", "--out", "graph.pdf"], ".png or .svg"),
        (["export", "3w", "--out", "who.ods"], ".csv or .xlsx"),
        (["export", "3w", "--out", "/nonexistent/dir/who.csv"], "does not exist"),
    ],
)
def test_errors_are_one_line_and_exit_2(capsys, store_path, argv, message):
    code, out, err = run(capsys, *argv, "--store", str(store_path))
    assert code == 2
    assert err.startswith("ctair: error: ") and message in err and err.count("\n") == 1


def test_unknown_table_format_is_refused_by_argparse(capsys, store_path):
    with pytest.raises(SystemExit) as exit_:
        main(["network", "recurring", "--store", str(store_path), "--format", "xml"])
    assert exit_.value.code == 2 and "invalid choice: 'xml'" in capsys.readouterr().err


def test_missing_store_is_a_clear_error(capsys, tmp_path):
    code, _, err = run(capsys, "network", "recurring", "--store", str(tmp_path / "nowhere"))
    assert code == 2 and "no Oxigraph store" in err


def test_a_year_without_contracts_names_the_years_there_are(capsys, store_path):
    code, out, err = run(capsys, "network", "recurring", "--store", str(store_path), "--year", "1999")
    assert code == 2 and "no contract of the year 1999" in err and "years: " in err and not out


def test_an_empty_ranking_says_so(capsys, store_path):
    code, out, _ = run(capsys, "network", "recurring", "--store", str(store_path), "--min-territories", "50")
    assert code == 0 and out.startswith("no organisation works in 50 or more territories")


def test_a_plain_sparql_file_without_header_runs(capsys, store_path, tmp_path):
    mine = tmp_path / "my.rq"
    mine.write_text(
        "PREFIX ctair: <https://w3id.org/ctair/ontology#>\n"
        "SELECT ?label WHERE { ?o a ctair:Organisation ; rdfs:label ?label } ORDER BY ?label LIMIT 2\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "query", str(mine), "--store", str(store_path), "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == "label" and len(out.splitlines()) == 3


def test_a_missing_query_file_is_one_line(capsys, store_path, tmp_path):
    code, _, err = run(capsys, "query", str(tmp_path / "nowhere.rq"), "--store", str(store_path))
    assert code == 2 and "nowhere.rq" in err and "Traceback" not in err
