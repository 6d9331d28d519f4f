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

La connaissance des publics et la gouvernance partagée

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
    # an announced axis is one theme: of "pilotage" and its narrower "connaissance-des-publics", the latter
    assert brest == {
        "logement": "Mobiliser le parc privé",
        "connaissance-des-publics": "La connaissance des publics et la gouvernance partagée",
    }
    # an introduction that announces no axes gives only what it names itself
    assert {ref.axis for ref in contracts["rennes"].axes} == {"logement"}


ZOOM_ON_ITS_CONTRACT = """Territoires d'intégration

Le CTAI à Lyon (69)

L'idée de départ : loger plus vite les réfugiés.

Les spécificités du territoire : une ville où les places en crèche sont nombreuses. \
Un coordinateur a été recruté. Il est chargé d'animer le contrat avec les services de la ville.

Le projet : la priorité a été mise sur l'accès au logement.
"""


def test_a_zoom_sentence_on_its_contract_gives_a_theme_the_territory_does_not(tmp_path, registry):
    (contract,) = _read(tmp_path, "web-article", ZOOM_ON_ITS_CONTRACT, registry).contracts
    themes = {ref.axis: ref.mention.text for ref in contract.axes}
    assert set(themes) == {"logement", "pilotage"}  # no "education" from the crèches
    assert "animer le contrat" in themes["pilotage"]


SECTION_WITH_A_COORDINATION_SENTENCE = """Actions CTAIR 2022

Sommaire

Nancy	p.2


Nancy

Le contrat territorial de la métropole met l'accent sur le logement.

1

Des colocations pour les jeunes

Un bailleur ouvre des colocations pour 12 jeunes BPI.

La coordination du contrat territorial est confiée au service des solidarités de la Ville.
"""

SECTION_WITH_SHARED_PARAGRAPH = """Actions CTAIR 2022

Sommaire

Nancy	p.2


Nancy

Le contrat territorial de la métropole met l'accent sur le logement.

- 40 places de logement ont été mobilisées pour les familles. L'association Coallia est en charge \
de leur suivi.
- 20 places en hébergement collectif ont été mobilisées pour des jeunes. L'opérateur Adoma est chargé \
de les accompagner.

Dans le cadre de ces deux dispositifs, les personnes bénéficient d'un accompagnement global et personnalisé.
"""


def test_a_sentence_on_the_coordination_of_the_contract_is_the_contracts_steering(tmp_path, registry):
    records = _read(tmp_path, "diair-report", SECTION_WITH_A_COORDINATION_SENTENCE, registry)
    (contract,) = records.contracts
    (action,) = records.actions
    assert "pilotage" in {ref.axis for ref in contract.axes}
    assert "pilotage" not in {ref.axis for ref in action.axes}


def test_a_paragraph_about_all_listed_actions_gives_each_its_themes(tmp_path, registry):
    records = _read(tmp_path, "diair-report", SECTION_WITH_SHARED_PARAGRAPH, registry)
    first, second = records.actions
    assert {ref.axis for ref in first.axes} == {"logement", "parcours-integration"}
    assert {ref.axis for ref in second.axes} == {"hebergement", "parcours-integration"}
    shared = next(ref for ref in second.axes if ref.axis == "parcours-integration")
    assert shared.mention.text.startswith("Dans le cadre de ces deux dispositifs")


ZOOM_WITH_THE_DELEGATE = """Territoires d'intégration

Le CTAI à Lyon (69)

L'idée de départ : loger plus vite les réfugiés.

Les spécificités du territoire : le contrat a été signé en présence de Marie Dupont, déléguée \
interministérielle à l'accueil.
"""


def test_the_delegate_named_in_a_territorys_part_is_a_national_fact(tmp_path, registry):
    programme = _read(tmp_path, "web-article", ZOOM_WITH_THE_DELEGATE, registry).programme
    assert [(p.name, p.head_of) for p in programme.people] == [("Marie Dupont", "diair")]
    assert "en présence de Marie Dupont" in programme.people[0].mention.text


def test_the_members_of_a_consortium_are_partners(registry):
    from ctair.loaders.facts import DocumentIndex, participations
    from ctair.loaders.text import Segment

    text = "Lauréat de l'appel, le consortium réunit des acteurs du logement (Adoma, Coallia) et l'OFII."
    index = DocumentIndex("test", text, registry, default_concepts())
    index.match_organisations(lambda position: None)
    roles = {(p.organisation, p.role.value) for p in participations(index, Segment(0, len(text)))}
    assert roles == {("adoma", "partner"), ("coallia", "partner"), ("ofii", "partner")}


SECTION_NAMING_ITS_KIND = """Actions CTAI 2024

Sommaire

Nancy	p.2


Nancy

La métropole a signé avec l'Etat, le 2 mars 2021, son contrat territorial d'accueil et d'intégration des \
réfugiés (CTAIR). Entre 2022 et 2024, la Ville a recruté 12 réfugiés sur des postes d'insertion.

1

Des colocations pour les jeunes

Un bailleur ouvre des colocations pour 12 jeunes BPI.
"""


def test_a_section_that_names_its_contracts_kind_and_date(tmp_path, registry):
    (contract,) = _read(tmp_path, "diair-report", SECTION_NAMING_ITS_KIND, registry).contracts
    assert contract.kind.value == "CTAIR"  # not the cover's CTAI
    assert contract.year == 2021
    # what the Ville did between 2022 and 2024 is no period of the contract
    assert [(e.kind.value, e.date) for e in contract.events] == [("signature", "2021-03-02")]


def test_who_signs_the_contract_is_its_signatory(registry):
    from ctair.loaders.facts import DocumentIndex, participations
    from ctair.loaders.text import Segment

    for text, expected in (
        (
            "Le 2 mars 2021, l'OFII et la Métropole de Lyon ont signé le contrat territorial.",
            {("ofii", "signatory"), ("metropole-de-lyon", "signatory")},
        ),
        ("Le contrat a été signé le 2 mars 2021 avec la Métropole de Lyon.", {("metropole-de-lyon", "signatory")}),
        # a signature of something else is no signature of the contract
        ("La Métropole de Lyon a signé une convention de mécénat.", {("metropole-de-lyon", "operator")}),
    ):
        index = DocumentIndex("test", text, registry, default_concepts())
        index.match_organisations(lambda position: None)
        found = {(p.organisation, p.role.value) for p in participations(index, Segment(0, len(text)))}
        assert found == expected, text


SECTION_WITH_TWO_CONTRACTS = """Actions CTAI 2023

Sommaire

Nancy	p.2


Nancy

Le 3 avril 2019, la Métropole du Grand Nancy a signé un premier contrat territorial d'accueil et \
d'intégration des réfugiés, complété par un avenant en 2020. Le 5 mai 2022, le maire et le préfet ont \
signé un nouveau contrat territorial d'accueil et d'intégration, ouvert aux primo-arrivants.

1

Des colocations pour les jeunes

Un bailleur ouvre des colocations pour 12 jeunes BPI.
"""


def test_a_section_on_two_successive_contracts_gives_each_its_facts(tmp_path, registry):
    records = _read(tmp_path, "diair-report", SECTION_WITH_TWO_CONTRACTS, registry)
    contracts = {c.kind.value: c for c in records.contracts}
    assert set(contracts) == {"CTAIR", "CTAI"}
    first, second = contracts["CTAIR"], contracts["CTAI"]
    assert (first.year, second.year) == (2019, 2022)
    assert [(e.kind.value, e.date) for e in first.events] == [("signature", "2019-04-03"), ("amendment", "2020")]
    assert [(e.kind.value, e.date) for e in second.events] == [("signature", "2022-05-05")]
    assert "un nouveau contrat" in second.mention.text and "un nouveau contrat" not in first.mention.text


def test_what_is_entrusted_to_an_organisation_makes_it_the_operator(registry):
    from ctair.loaders.facts import DocumentIndex, participations
    from ctair.loaders.text import Segment

    for text in (
        "La Ville a confié des logements vacants à Coallia.",
        "La Ville en a confié la gestion à Coallia.",
    ):
        index = DocumentIndex("test", text, registry, default_concepts())
        index.match_organisations(lambda position: None)
        found = {(p.organisation, p.role.value) for p in participations(index, Segment(0, len(text)))}
        assert found == {("coallia", "operator")}, text


REPORT_WITH_PROGRAMME_FACTS = """Actions CTAI 2023

Sommaire

Nancy	p.2


Introduction

En 2021, la DGEF et la Diair ont rapproché leurs démarches : 9 millions d'euros ont été mobilisés \
pour les contrats. Cinq collectivités ont rejoint la démarche en 2020 en vue d'un contrat pour 2021, \
année pour laquelle la Diair a réservé 4 millions d'euros. Le présent document retrace les actions de \
deux territoires.


Nancy

Le contrat territorial de la métropole met l'accent sur le logement.

1

Des colocations pour les jeunes

Un bailleur ouvre des colocations pour 12 jeunes BPI.
"""


def test_a_programme_amount_is_dated_and_funded_by_its_own_clause(tmp_path, registry):
    programme = _read(tmp_path, "diair-report", REPORT_WITH_PROGRAMME_FACTS, registry).programme
    amounts = {(int(q.value), q.funder, q.observed) for q in programme.quantities if q.unit.value == "euro"}
    # nobody's money after the colon; the Diair's 4 M€ are for 2021, the year nearest before them
    assert amounts == {(9_000_000, None, "2021"), (4_000_000, "diair", "2021")}
    # the document's own scope is no count of the programme
    assert not [q for q in programme.quantities if q.unit.value == "territory"]
