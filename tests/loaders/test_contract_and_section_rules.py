"""Rules that read a contract or a section as a whole: roles a zoom gives without a cue, and the
start an introduction gives the actions it presents. Small documents written for the test, read by
their loader with the corpus registry and the real axis scheme."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from ctair.loaders.corpus import CorpusDocument
from ctair.loaders.kinds import loader_for
from ctair.loaders.pipeline import default_concepts
from ctair.loaders.records import SourceDocument


def _read(tmp_path: Path, kind: str, text: str, registry):
    path = tmp_path / "document.txt"
    path.write_text(text, encoding="utf-8")
    source = SourceDocument(
        id="rules-test",
        kind=kind,
        file=path.name,
        title="Test",
        publisher="ctair tests",
        issued=date(2022, 1, 1),
        license="https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )
    document = CorpusDocument(source=source, path=path, text=text)
    return loader_for(document)(document, registry, concepts=default_concepts(), ner=False)


ZOOM = """Territoires d'intégration

Le CTAIR à Lyon (69)

L'idée de départ : loger plus vite les réfugiés.

Les spécificités du territoire : une métropole où les places en crèche et les postes à pourvoir sont nombreux.

Le projet : À la Métropole de Lyon, la priorité a été mise sur l'accès au logement. \
Le contrat a été élaboré avec les associations du territoire, parmi lesquelles Coallia.

À retenir : La Métropole de Lyon réfléchit à amener plus d'inclusion au cœur de ses projets.
"""


def test_a_zoom_names_roles_only_where_it_states_them(tmp_path, registry):
    records = _read(tmp_path, "web-article", ZOOM, registry)
    (contract,) = records.contracts
    roles = {(p.organisation, p.role.value): p.mention.text for p in contract.participations}
    # the Métropole acts in the contract, in no stated role: neither an operator (it opens a
    # sentence) nor a partner ("Le projet :" lists partners, and a place is no list)
    assert set(roles) == {("metropole-de-lyon", "participant"), ("coallia", "partner")}
    assert roles[("metropole-de-lyon", "participant")].startswith("La Métropole de Lyon réfléchit")
    assert "parmi lesquelles Coallia" in roles[("coallia", "partner")]
    # the contract works on housing; the territory's situation (crèches, jobs) is no theme of it
    assert {ref.axis for ref in contract.axes} == {"logement"}


REPORT = """Actions CTAIR 2022

Sommaire

Rennes	p.2
Brest	p.3


Rennes

Depuis fin 2021, deux actions visant à faciliter l'accès au logement des familles sont en cours \
d'expérimentation à Rennes.

1

Sécuriser l'accès au logement grâce à un bail glissant

Un dispositif de bail glissant permet aux familles d'entrer plus vite dans leur logement.

2

La danse pour tous

Des ateliers de danse et de pratique artistique réunissent habitants et réfugiés.

Brest

Depuis 2020, deux actions sont menées à Brest. Le contrat met l'attention sur deux axes.

1

Mobiliser le parc privé

Des logements du parc privé sont captés pour les ménages.

2

La connaissance des publics

Une étude approfondit la connaissance des publics.
"""


def test_an_introduction_dates_the_actions_it_presents(tmp_path, registry):
    records = _read(tmp_path, "diair-report", REPORT, registry)
    starts = {
        (a.territory, a.ordinal): [(e.kind.value, e.date, e.mention.text[:20]) for e in a.events]
        for a in records.actions
    }
    # the introduction names a theme (housing): only the housing action started then, and the
    # event quotes the introduction's sentence
    assert starts[("rennes", 1)] == [("start", "2021", "Depuis fin 2021, deu")]
    assert starts[("rennes", 2)] == []
    # no theme, and as many actions as it counts: all of them
    assert starts[("brest", 1)] == starts[("brest", 2)] == [("start", "2020", "Depuis 2020, deux ac")]


def test_an_introduction_announcing_axes_takes_them_from_the_item_titles(tmp_path, registry):
    records = _read(tmp_path, "diair-report", REPORT, registry)
    contracts = {c.territory: c for c in records.contracts}
    # "met l'attention sur deux axes.": the two numbered items' titles are the contract's axes
    brest = {ref.axis: ref.mention.text for ref in contracts["brest"].axes}
    assert brest == {"logement": "Mobiliser le parc privé", "connaissance-des-publics": "La connaissance des publics"}
    # an introduction that announces no axes gives only what it names itself
    assert {ref.axis for ref in contracts["rennes"].axes} == {"logement"}
