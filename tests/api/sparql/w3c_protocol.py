"""A raw-HTTP runner for the W3C SPARQL 1.1 Protocol test manifest (tests/api/sparql/w3c/).

It sends each ``ht:Request`` exactly as written (method, path with ``/sparql/`` replaced by
the endpoint path, the listed headers only, the body in its declared character encoding)
with ``http.client``, and checks the status class, the result format and the boolean.

    python -m tests.api.sparql.w3c_protocol http://127.0.0.1:8000 [--token TOKEN]
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import rdflib
from rdflib import RDF, RDFS, Namespace
from rdflib.collection import Collection

HERE = Path(__file__).resolve().parent / "w3c"
MANIFEST = HERE / "manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")


@dataclass
class Step:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes | None
    statuses: set[int]  # accepted status classes: 2, 3, 4, 5
    format: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    label: str
    steps: list[Step]
    graphs: dict[str, Path] = field(default_factory=dict)  # graph name -> data file

    @property
    def is_update(self) -> bool:
        return self.name.startswith(("update_", "bad_update_"))


@dataclass
class Outcome:
    test: ProtocolTest
    passed: bool
    message: str
    statuses: list[int]


def load_manifest(path: Path = MANIFEST) -> list[ProtocolTest]:
    graph = rdflib.Graph().parse(path, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    entries = Collection(graph, graph.value(manifest, MF.entries))
    tests = []
    for entry in entries:
        action = graph.value(entry, MF.action)
        steps = []
        for request in Collection(graph, graph.value(action, HT.requests)):
            headers = []
            header_list = graph.value(request, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers.append((str(graph.value(header, HT.fieldName)), str(graph.value(header, HT.fieldValue))))
            body = None
            body_node = graph.value(request, HT.body)
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding.lower())
            response = graph.value(request, HT.resp)
            statuses = {int(str(code)[-3]) for code in graph.objects(response, MF.expectedStatus)}
            fmt = graph.value(response, MF.expectedFormat)
            boolean = graph.value(response, MF.expectedBoolean)
            steps.append(
                Step(
                    method=str(graph.value(request, HT.methodName)),
                    path=str(graph.value(request, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    statuses=statuses,
                    format=str(fmt) if fmt is not None else None,
                    boolean=boolean.toPython() if boolean is not None else None,
                )
            )
        graphs = {}
        for data in graph.objects(entry, UT.graphData):
            graphs[str(graph.value(data, RDFS.label))] = (
                HERE / Path(urlsplit(str(graph.value(data, UT.graph))).path).name
            )
        name = str(entry).rsplit("#", 1)[-1]
        tests.append(ProtocolTest(name, str(graph.value(entry, MF.name)), steps, graphs))
    return tests


def _media(headers: http.client.HTTPMessage) -> str:
    return (headers.get("content-type") or "").split(";")[0].strip().lower()


def _check_format(step: Step, media: str, body: bytes) -> str | None:
    """None when the body is in the expected format (and has the expected boolean)."""
    if step.format == "boolean" or step.boolean is not None:
        if media in ("application/sparql-results+json", "application/json"):
            value = json.loads(body)["boolean"]
        elif media in ("application/sparql-results+xml", "application/xml", "text/xml"):
            root = ET.fromstring(body)
            element = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
            if element is None:
                return "no <boolean> in the XML results"
            value = element.text.strip() == "true"
        else:
            return f"boolean results in unexpected media type {media!r}"
        if step.boolean is not None and value != step.boolean:
            return f"expected boolean {step.boolean}, got {value}"
        return None
    if step.format == "tabular":
        if media in ("application/sparql-results+json", "application/json"):
            json.loads(body)["results"]["bindings"]
        elif media in ("application/sparql-results+xml", "application/xml"):
            ET.fromstring(body)
        elif media == "text/csv":
            list(csv.reader(io.StringIO(body.decode())))
        elif media == "text/tab-separated-values":
            body.decode().splitlines()
        else:
            return f"tabular results in unexpected media type {media!r}"
        return None
    if step.format == "RDF":
        formats = {
            "text/turtle": "turtle",
            "application/n-triples": "nt",
            "application/rdf+xml": "xml",
            "application/ld+json": "json-ld",
        }
        if media not in formats:
            return f"RDF in unexpected media type {media!r}"
        rdflib.Graph().parse(data=body, format=formats[media])
        return None
    return None


def run_test(
    test: ProtocolTest, base_url: str, endpoint: str = "/sparql", token: str | None = None, timeout: float = 30
) -> Outcome:
    url = urlsplit(base_url)
    statuses = []
    for number, step in enumerate(test.steps, 1):
        path = step.path.replace("/sparql/", endpoint, 1)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        try:
            connection.putrequest(step.method, path, skip_accept_encoding=True)
            for name, value in step.headers:
                connection.putheader(name, value)
            if token:
                connection.putheader("Authorization", f"Bearer {token}")
            if step.body is not None:
                connection.putheader("Content-Length", str(len(step.body)))
            connection.endheaders(step.body)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        statuses.append(response.status)
        if response.status // 100 not in step.statuses:
            expected = "/".join(f"{c}xx" for c in sorted(step.statuses))
            return Outcome(
                test,
                False,
                f"request {number}: status {response.status}, expected {expected}: {body[:300]!r}",
                statuses,
            )
        if response.status // 100 == 2:
            try:
                problem = _check_format(step, _media(response.headers), body)
            except Exception as error:  # a parse error of the body
                problem = f"cannot parse the body: {error}"
            if problem:
                return Outcome(test, False, f"request {number}: {problem}", statuses)
    return Outcome(test, True, "ok", statuses)


def reset_data(test: ProtocolTest, base_url: str, token: str, endpoint: str = "/sparql") -> None:
    """With updates enabled, put the test's graph data back (earlier update tests drop everything)."""
    inserts = " ".join(f"GRAPH <{name}> {{ {path.read_text()} }}" for name, path in test.graphs.items())
    update = "DROP ALL" + (f" ; INSERT DATA {{ {inserts} }}" if inserts else "")
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request(
            "POST",
            endpoint,
            body=update.encode(),
            headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {token}"},
        )
        response = connection.getresponse()
        response.read()
        if response.status // 100 != 2:
            raise RuntimeError(f"cannot reset the test data: {response.status}")
    finally:
        connection.close()


def run_all(base_url: str, token: str | None = None) -> list[Outcome]:
    outcomes = []
    for test in load_manifest():
        if token and test.graphs:
            reset_data(test, base_url, token)
        outcomes.append(run_test(test, base_url, token=token))
    return outcomes


def score_line(outcomes: list[Outcome], label: str) -> str:
    passed = sum(o.passed for o in outcomes)
    return f"W3C SPARQL 1.1 Protocol ({label}): {passed} of {len(outcomes)} passed"


def build_store(path: Path) -> None:
    """A store holding every data file of the manifest in its named graph."""
    import pyoxigraph as ox

    store = ox.Store(str(path))
    for test in load_manifest():
        for name, data in test.graphs.items():
            store.load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    store.flush()
    del store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--token")
    args = parser.parse_args(argv)
    outcomes = run_all(args.base_url, args.token)
    for outcome in outcomes:
        print(f"{'PASS' if outcome.passed else 'FAIL'} {outcome.test.name}: {outcome.message}")
    print(score_line(outcomes, "updates enabled" if args.token else "as configured"))
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
