"""Figures as French prose writes them, written for the test (no corpus text)."""

from __future__ import annotations

import pytest

from ctair.loaders.quantities import find_quantities


@pytest.mark.parametrize(
    "text, expected",
    [
        # a contract's duration, however it is introduced
        ("Le contrat est conclu pour trois ans.", [(3, "year")]),
        ("Il est signé pour une durée initiale de deux ans.", [(2, "year")]),
        ("Un contrat d'une durée de 3 ans.", [(3, "year")]),
        # an age is no duration
        ("Des colocations pour les réfugiés de moins de 25 ans.", []),
        # the priorities a contract retains are its axes
        ("Il retient quatre priorités : l'emploi, le logement, la santé et la langue.", [(4, "axis")]),
    ],
)
def test_figures_as_written(text, expected):
    assert [(int(q.value), q.unit.value) for q in find_quantities(text)] == expected
