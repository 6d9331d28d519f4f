"""Golden tests: every named query runs on a small hand-written graph and gives the expected rows.

Expected results live in tests/graph/golden/<query>.json (rows of plain values; the order matters
because every query has an ORDER BY). A query without a golden file fails the suite.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from ctair.graph.entities import EntityIndex, EntityNotFound
from ctair.graph.named_queries import QueryParameterError, bind, get_query, load_named_queries, parse_query_file
from ctair.graph.store import OxigraphStore

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "graph.trig"
GOLDEN = Path(__file__).parent / "golden"
# query name[@variant] -> its parameters; the golden file is tests/graph/golden/<name[@variant]>.json
PARAMETERS = {
    "who-does-what-where": {"organisation": "ADOMA"},
    "recurring-organisations": {"min_territories": "2"},
    "recurring-organisations@network": {"min_territories": "2", "level": "network"},
    "territory-actions": {"territory": "Grenoble"},
    "territories-under-axis": {"axis": "logement"},
    "contracts-by-kind-and-year": {},
    "contract-timeline": {},
    "programme-facts": {},
    "territory-quantities": {"territory": "Grenoble"},
    "funding-by-territory-and-year": {},
    "organisations-by-territories-and-roles": {},
    "partners-of-an-operator": {"operator": "Intermed"},
    "axes-by-territory": {},
    "what-each-axis-funds": {},
    "co-presence-of-two-organisations": {"first": "adoma", "second": "Intermed"},
    "actions-for-a-target-public": {"public": "FAMILLE"},
    "actions-without-a-named-carrier": {},
    "territories-sharing-organisations": {},
    "organisations-of-a-territory": {"territory": "Grenoble"},
    "contracts-of-each-territory": {},
    "actions-by-kind-and-axis": {},
    "territories-on-a-map": {},
}


@pytest.fixture(scope="module")
def store():
    store = OxigraphStore()
    store.oxigraph.load(path=str(FIXTURE), format=RdfFormat.TRIG)
    return store


def plain(term):
    return None if term is None else term.value


def run(store, name, values):
    query = get_query(name.split("@")[0])
    index = EntityIndex(store)
    rows = store.select(query.text, bind(query, values, index.resolve_term))
    return [{k: plain(v) for k, v in sorted(row.items())} for row in rows]


def test_every_named_query_has_a_golden_test():
    assert sorted(load_named_queries()) == sorted({name.split("@")[0] for name in PARAMETERS})


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_named_query_matches_golden(store, name):
    expected = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    assert run(store, name, PARAMETERS[name]) == expected


def test_parameters_are_bound_not_pasted(store):
    # A name full of SPARQL is just a name that matches nothing.
    with pytest.raises(QueryParameterError) as error:
        run(store, "who-does-what-where", {"organisation": 'x" } ; DROP ALL ; #'})
    assert error.value.parameter == "organisation"
    assert len(store) > 0


def test_unknown_missing_and_mistyped_parameters_are_named():
    query = get_query("recurring-organisations")
    with pytest.raises(QueryParameterError, match="min_territories"):
        bind(query, {"min_territories": "two"})
    with pytest.raises(QueryParameterError, match="colour"):
        bind(query, {"colour": "blue"})
    with pytest.raises(QueryParameterError, match="level.*entity, network"):
        bind(query, {"level": "region"})
    with pytest.raises(QueryParameterError, match="organisation"):
        bind(get_query("who-does-what-where"), {})


def test_names_resolve_accent_case_and_punctuation_insensitively(store):
    index = EntityIndex(store)
    assert index.resolve("territory", "métropole  de LYON").label == "Lyon"
    assert index.resolve("organisation", "a.d.o.m.a").label == "Adoma"
    with pytest.raises(EntityNotFound) as error:
        index.resolve("organisation", "Solihaa")
    assert "Soliha" in error.value.suggestions


def test_query_file_header_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: x\n# param: n color\nSELECT * {}\n")
    with pytest.raises(ValueError, match=r"bad.rq:2"):
        parse_query_file(bad)


def test_a_query_file_is_parsed_once_and_again_when_it_changes(tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text("# title: First\nSELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    first = get_query(str(path))
    assert get_query(str(path)) is first  # not parsed again
    path.write_text("# title: Second, a longer title\nSELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    assert get_query(str(path)).title == "Second, a longer title"
    assert get_query("recurring-organisations") is get_query("recurring-organisations")
