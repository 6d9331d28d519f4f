"""Small documents of each kind through their loader, with exact expected records."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ctair.loaders.corpus import read_corpus
from ctair.loaders.kinds import LOADERS, loader_for

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def fixture_records(registry, mini_concepts):
    return {
        d.source.id: (d, loader_for(d)(d, registry, concepts=mini_concepts, ner=False))
        for d in read_corpus(FIXTURES / "documents")
    }


def _quantities(quantities):
    return [(q.value, q.minimum, q.maximum, q.unit.value) for q in quantities]


def _summary(records):
    return {
        "contracts": [
            (
                c.territory,
                c.kind.value,
                c.year,
                [a.axis for a in c.axes],
                [(p.name, p.title) for p in c.coordinators],
                [(p.organisation, p.role.value, p.surface) for p in c.participations],
                _quantities(c.quantities),
                [x.public for x in c.publics],
            )
            for c in records.contracts
        ],
        "actions": [
            (
                a.territory,
                a.ordinal,
                a.label,
                [(p.organisation, p.role.value, p.surface) for p in a.participations],
                _quantities(a.quantities),
                [x.axis for x in a.axes],
                [x.public for x in a.publics],
            )
            for a in records.actions
        ],
        "unresolved": [(u.surface, u.territory) for u in records.unresolved],
    }


def test_registered_kinds():
    assert set(LOADERS) == {"diair-report", "web-article"}


def test_diair_report_fixture(fixture_records):
    document, records = fixture_records["fixture-report"]
    assert _summary(records) == {
        # no sentence states when the contracts were concluded: no year (the cover's year is the actions')
        "contracts": [
            ("lyon", "CTAIR", None, ["logement", "emploi"], [], [], [(Decimal(2), None, None, "axis")], []),
            ("toulouse", "CTAIR", None, ["logement"], [], [], [], []),
        ],
        "actions": [
            (
                "lyon",
                2,
                "Loger les familles",
                [("adoma", "operator", "ADOMA"), ("fondation-abbe-pierre", "partner", "Fondation Abbé Pierre")],
                [
                    (Decimal(12), None, None, "dwelling"),
                    (None, Decimal(4), Decimal(6), "household"),
                ],  # a range is one figure
                ["logement"],
                ["familles"],
            ),
            ("lyon", 1, "Former les jeunes", [], [(Decimal(150), None, None, "hour")], ["langue"], ["jeunes"]),
            (
                "toulouse",
                1,
                "40 places",
                [
                    ("ville-de-toulouse", "coordinator", "mairie de Toulouse"),
                    ("soliha-haute-garonne", "operator", "Soliha 31"),
                ],  # the local entity, not the network
                [(Decimal(40), None, None, "place")],
                [],
                ["menages"],
            ),
            (
                "toulouse",
                2,
                "10 places",
                [("france-horizon", "operator", "France Horizon")],
                [(Decimal(10), None, None, "place")],
                [],
                ["jeunes"],
            ),
        ],
        "unresolved": [("Zéphyr Horizons Solidaires", "lyon")],
    }
    lyon2 = records.actions[0]
    assert lyon2.description == (
        "Le projet porté par ADOMA permet de capter 12 logements pour 4 à 6 familles, "
        "en partenariat avec la Fondation Abbé Pierre."
    )
    assert lyon2.mention.text.startswith("2\n\nLoger les familles")
    assert [t.territory for t in records.territories][:2] == ["lyon", "toulouse"]


def test_web_article_fixture(fixture_records):
    """A zoom is a contract: its organisations take part in the contract, its fields describe it."""
    document, records = fixture_records["fixture-article"]
    assert _summary(records) == {
        "contracts": [
            (
                "autun",
                "PTAIR",
                2020,
                [],
                [("Vincent Chauvet", "maire d'Autun")],
                # the mayor coordinates for the Ville; Autun has no registered CAF: the network answers
                [
                    ("ville-d-autun", "coordinator", "maire d'Autun"),
                    ("caf", "partner", "CAF"),
                    ("coallia", "partner", "Coallia"),
                ],
                [],
                ["familles"],
            ),
            (
                "lyon",
                "CTAIR",
                None,
                [],
                [("Marie Dupont", "chargée de mission")],
                # no public: "réfugiés" is only inside the organisation name "Forum réfugiés-Cosi"
                [("forum-refugies-cosi", "operator", "Forum réfugiés-Cosi")],
                [],
                [],
            ),
        ],
        "actions": [],
        "unresolved": [],
    }
    autun = records.contracts[0]
    assert (autun.description, autun.key_points) == ("accueillir des familles.", "un suivi individualisé.")
    assert autun.year_mention.text == "Le projet a été lancé en 2020."
    assert (
        autun.coordinators[0].mention.text
        == "Le coordinateur : Vincent Chauvet, le maire d'Autun, avec le service social."
    )


def test_fixture_spans(fixture_records):
    for document, records in fixture_records.values():
        for a in records.actions:
            for m in [a.mention, *(p.mention for p in a.participations), *(q.mention for q in a.quantities)]:
                assert m.text == document.text[m.span.start : m.span.end]


def test_text_utilities_keep_offsets():
    from ctair.loaders.text import clean, list_items, paragraphs, sentences

    text = "Titre\n\n- Un **item** : 1 500€. Suite.\n- Deux\n  suite du deux\n\nM. Dupont arrive. Il part!"
    blocks = paragraphs(text)
    assert [b.text(text) for b in blocks] == [
        "Titre",
        "- Un **item** : 1 500€. Suite.\n- Deux\n  suite du deux",
        "M. Dupont arrive. Il part!",
    ]
    assert [i.text(text) for i in list_items(text, blocks[1])] == [
        "- Un **item** : 1 500€. Suite.",
        "- Deux\n  suite du deux",
    ]
    assert [s.text(text) for s in sentences(text, blocks[2])] == ["M. Dupont arrive.", "Il part!"]
    assert clean(blocks[1].text(text)) == "Un item : 1 500€. Suite. Deux suite du deux"


def test_quantities_in_french():
    from ctair.loaders.quantities import find_quantities

    def text(value):
        return None if value is None else str(value)

    found = [
        (text(q.value), text(q.minimum), text(q.maximum), q.unit.value, q.approximate)
        for q in find_quantities(
            "Une garantie de 1 500€, une indemnité d'environ 200€ pendant 4 à 6 mois pour deux familles, "
            "en 2019, à 25 ans, « Louer solidaire 69 », Deux projets, pour 12 mois maximum."
        )
    ]
    assert found == [
        ("1500", None, None, "euro", False),
        ("200", None, None, "euro", True),
        (None, "4", "6", "month", False),
        ("2", None, None, "household", False),
        ("2", None, None, "project", False),
        (None, None, "12", "month", False),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a part of a whole points at its whole, in either order of writing
        (
            "Le projet bénéficie à 20 primo-arrivants dont 12 BPI.",
            [("20", None, "beneficiary"), ("12", 0, "beneficiary")],
        ),
        ("20 des 30 plus grandes villes de France", [("30", None, "city"), ("20", 0, "city")]),
        ("Sur les 21 projets déposés, 13 seront financés.", [("21", None, "project"), ("13", 0, "project")]),
        ("à laquelle ont participé 8 personnes dont 6 réfugiés", [("8", None, "participant"), ("6", 0, "participant")]),
        # a rate keeps its period; a duration in years is not an age
        ("60 accessions par an dans le parc social", [("60", None, "housing-access")]),
        ("70 logements en deux ans, pour les moins de 25 ans", [("70", None, "dwelling"), ("2", None, "year")]),
        ("La DGEF ajoute 5,2 millions pour les financements.", [("5200000", None, "euro")]),
    ],
)
def test_quantities_as_written(text, expected):
    from ctair.loaders.quantities import find_quantities

    found = [(format(q.value.normalize(), "f"), q.subset_of, q.unit.value) for q in find_quantities(text)]
    assert found == expected


def test_rates_and_observations():
    from ctair.loaders.dates import observation_date
    from ctair.loaders.quantities import find_quantities

    (rate,) = find_quantities("3 à 4 jours par semaine")
    assert (rate.minimum, rate.maximum, rate.unit.value, rate.per.value) == (Decimal(3), Decimal(4), "day", "week")
    assert observation_date("En février 2020, 23 ménages avaient bénéficié de cette action.") == "2020-02"
    assert observation_date("Au 19 juin 2020, 30 ménages étaient en cours d'accompagnement") == "2020-06-19"
    assert observation_date("Les 30 ménages de 2020") is None


def test_module_doctests():
    import doctest

    from ctair.loaders import dates, folding, quantities, text

    for module in (dates, folding, quantities, text):
        result = doctest.testmod(module)
        assert result.failed == 0, module.__name__
