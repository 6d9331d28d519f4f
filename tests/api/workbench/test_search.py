"""``/search``: every kind of thing, what was meant first, accents folded, close names suggested."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request


def results(server, q: str) -> tuple[list[tuple[str, str, str]], str]:
    with urllib.request.urlopen(server + "/search?" + urllib.parse.urlencode({"q": q}), timeout=30) as response:
        html = response.read().decode()
    hits = re.findall(
        r'<li><span class="badge">([^<]+)</span> <a href="([^"]+)">([^<]+)</a>',
        html.split('class="results"')[1].split("</ul>")[0],
    )
    return hits, html


def test_whole_words_before_substrings(server):
    hits, _ = results(server, "Pôle")
    assert hits[0][2] == "Pôle emploi"  # not behind the "Métropole"s


def test_accents_and_case_are_folded(server):
    assert results(server, "pole EMPLOI")[0][0][2] == "Pôle emploi"


def test_actions_people_contracts_and_sources_are_found(server):
    assert {"Contrat", "Territoire", "Organisation"} <= {kind for kind, _, _ in results(server, "Lyon")[0]}
    assert ("Action", "La colocation pour les moins de 25 ans") in {
        (kind, label) for kind, _, label in results(server, "colocation")[0]
    }
    assert results(server, "tenenbaum")[0][0][:2] == ("Personne", "/doc/id/person/francoise-tenenbaum")
    assert any(kind == "Source" for kind, _, _ in results(server, "Actions CTAIR 2019")[0])


def test_no_result_suggests_close_names(server):
    hits, html = results(server, "Coalia")
    assert hits == []
    suggestions = html.split('class="suggestions"')[1].split("</ul>")[0]
    assert "Coallia" in suggestions and "/doc/id/organisation/coallia" in suggestions


def test_the_organisations_page_says_why_its_count_differs_from_the_networks(server, built):
    with urllib.request.urlopen(server + "/organisations", timeout=30) as response:
        html = response.read().decode()
    total = int(re.search(r"Organisations — (\d+)", html).group(1))
    explained = re.search(
        r'<p id="organisation-counts">(\d+) prennent part.*?(\d+) signent seulement.*?(\d+) ne sont que', html, re.S
    )
    in_actions, signatories, registry = map(int, explained.groups())
    assert in_actions + signatories + registry == total
    assert in_actions == built[1].counts["organisations"]  # what `ctair build` prints
