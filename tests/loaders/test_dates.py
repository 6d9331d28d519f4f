"""Dated events of a contract as French prose states them, written for the test (no corpus text)."""

from __future__ import annotations

import pytest

from ctair.loaders.dates import find_events


def events(text: str) -> list[tuple[str, str]]:
    return [(e.kind.value, e.date) for e in find_events(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a date that opens its sentence, the verb later
        (
            "Le 12 mars 2020, la communauté urbaine et le préfet ont signé un premier contrat territorial.",
            [("signature", "2020-03-12")],
        ),
        (
            "Le 3 mai 2023, le préfet et le maire ont signé un avenant qui prolonge le contrat.",
            [("amendment", "2023-05-03"), ("extension", "2023-05-03")],
        ),
        # the object of the signature between the verb and the date
        (
            "La préfecture et la Ville ont signé le contrat territorial d'accueil et d'intégration le 2 juin 2022.",
            [("signature", "2022-06-02")],
        ),
        ("La métropole est l'une des premières signataires, en mars 2019, d'un contrat.", [("signature", "2019-03")]),
        # an amendment named with its year or its date
        ("Le contrat, complété par un avenant en 2021, arrive à échéance.", [("amendment", "2021")]),
        (
            "Un avenant signé le 4 avril 2022 l'a prolongé d'un an.",
            [("amendment", "2022-04-04"), ("extension", "2022-04-04")],
        ),
        # a period in parentheses
        ("Le contrat est conclu pour trois ans (2020-2022).", [("start", "2020"), ("end", "2022")]),
        # the other party between the verb and the date
        ("La Ville a signé avec l'Etat, le 3 juillet 2020, son contrat territorial.", [("signature", "2020-07-03")]),
        ("Signé avec la préfecture le 8 mars 2021, le contrat vise les réfugiés.", [("signature", "2021-03-08")]),
        # a field label's colon opens the clause; a weekday may come before the day
        ("Le projet : le mardi 4 mai 2021, le maire et le préfet ont signé le contrat.", [("signature", "2021-05-04")]),
        # what was done between two years
        ("Entre 2020 et 2022, la Ville a recruté 12 réfugiés.", [("start", "2020"), ("end", "2022")]),
        # a date that opens a sentence without a signature is no event of the contract
        ("Le 5 juin 2021, 40 ménages étaient accompagnés.", []),
    ],
)
def test_contract_events_as_written(text, expected):
    assert events(text) == expected
