"""Small documents of each kind through their loader, with exact expected records."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ctair.loaders.corpus import read_corpus
from ctair.loaders.kinds import LOADERS, loader_for

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def fixture_records(registry, mini_concepts):
    return {d.source.id: (d, loader_for(d)(d, registry, concepts=mini_concepts, ner=False))
            for d in read_corpus(FIXTURES / "documents")}


def _summary(records):
    return {
        "contracts": [(c.territory, c.kind.value, c.year, [a.axis for a in c.axes],
                       [(p.name, p.title) for p in c.coordinators]) for c in records.contracts],
        "actions": [(a.territory, a.ordinal, a.label, [(p.organisation, p.role.value, p.surface) for p in a.participations],
                     [(q.value, q.unit.value, q.bound) for q in a.quantities], [x.axis for x in a.axes],
                     [x.public for x in a.publics]) for a in records.actions],
        "unresolved": [(u.surface, u.territory) for u in records.unresolved],
    }


def test_registered_kinds():
    assert set(LOADERS) == {"diair-report", "web-article"}


def test_diair_report_fixture(fixture_records):
    document, records = fixture_records["fixture-report"]
    assert _summary(records) == {
        "contracts": [("lyon", "CTAIR", 2020, ["logement", "emploi"], []), ("toulouse", "CTAIR", 2020, ["logement"], [])],
        "actions": [
            ("lyon", 2, "Loger les familles",
             [("adoma", "operator", "ADOMA"), ("fondation-abbe-pierre", "partner", "Fondation Abbé Pierre")],
             [(Decimal(12), "dwelling", None), (Decimal(4), "household", "min"), (Decimal(6), "household", "max")],
             ["logement"], ["familles"]),
            ("lyon", 1, "Former les jeunes", [], [(Decimal(150), "hour", None)], ["langue"], ["jeunes"]),
            ("toulouse", 1, "40 places", [("ville-de-toulouse", "coordinator", "mairie de Toulouse"), ("soliha", "operator", "Soliha 31")],
             [(Decimal(40), "place", None)], [], ["menages"]),
            ("toulouse", 2, "10 places", [("france-horizon", "operator", "France Horizon")], [(Decimal(10), "place", None)], [], ["jeunes"]),
        ],
        "unresolved": [("Zéphyr Horizons Solidaires", "lyon")],
    }
    lyon2 = records.actions[0]
    assert lyon2.description == "Le projet porté par ADOMA permet de capter 12 logements pour 4 à 6 familles, en partenariat avec la Fondation Abbé Pierre."
    assert lyon2.mention.text.startswith("2\n\nLoger les familles")
    assert [t.territory for t in records.territories][:2] == ["lyon", "toulouse"]


def test_web_article_fixture(fixture_records):
    document, records = fixture_records["fixture-article"]
    assert _summary(records) == {
        "contracts": [("autun", "PTAIR", 2020, [], [("Vincent Chauvet", "maire d'Autun")]),
                      ("lyon", "CTAIR", None, [], [("Marie Dupont", "chargée de mission")])],
        "actions": [
            ("autun", 1, "Le PTAIR à Autun (71)", [("caf", "partner", "CAF"), ("coallia", "partner", "Coallia")], [], [], ["familles"]),
            # no public: "réfugiés" is only inside the organisation name "Forum réfugiés-Cosi"
            ("lyon", 1, "Le CTAIR à Lyon (69)", [("forum-refugies-cosi", "operator", "Forum réfugiés-Cosi")], [], [], []),
        ],
        "unresolved": [],
    }
    assert records.actions[0].description == "Les dispositifs regroupent la CAF et Coallia. Le projet a été lancé en 2020."
    assert records.contracts[0].coordinators[0].mention.text == "Le coordinateur : Vincent Chauvet, le maire d'Autun, avec le service social."


def test_fixture_spans(fixture_records):
    for document, records in fixture_records.values():
        for a in records.actions:
            for m in [a.mention, *(p.mention for p in a.participations), *(q.mention for q in a.quantities)]:
                assert m.text == document.text[m.span.start:m.span.end]


def test_text_utilities_keep_offsets():
    from ctair.loaders.text import clean, list_items, paragraphs, sentences

    text = "Titre\n\n- Un **item** : 1 500€. Suite.\n- Deux\n  suite du deux\n\nM. Dupont arrive. Il part!"
    blocks = paragraphs(text)
    assert [b.text(text) for b in blocks] == ["Titre", "- Un **item** : 1 500€. Suite.\n- Deux\n  suite du deux", "M. Dupont arrive. Il part!"]
    assert [i.text(text) for i in list_items(text, blocks[1])] == ["- Un **item** : 1 500€. Suite.", "- Deux\n  suite du deux"]
    assert [s.text(text) for s in sentences(text, blocks[2])] == ["M. Dupont arrive.", "Il part!"]
    assert clean(blocks[1].text(text)) == "Un item : 1 500€. Suite. Deux suite du deux"


def test_quantities_in_french():
    from ctair.loaders.quantities import find_quantities

    found = [(str(q.value), q.unit.value, q.bound, q.approximate) for q in find_quantities(
        "Une garantie de 1 500€, une indemnité d'environ 200€ pendant 4 à 6 mois pour deux familles, "
        "en 2019, à 25 ans, « Louer solidaire 69 », Deux projets.")]
    assert found == [("1500", "euro", None, False), ("200", "euro", None, True), ("4", "month", "min", False),
                     ("6", "month", "max", False), ("2", "household", None, False), ("2", "project", None, False)]


def test_module_doctests():
    import doctest

    from ctair.loaders import folding, quantities, text

    for module in (folding, quantities, text):
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__
