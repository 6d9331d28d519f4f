"""The registry's name matcher: longest alias at each word, on word boundaries, folded."""

from __future__ import annotations

from ctair.loaders.folding import FoldedText
from ctair.loaders.registry import Organisation, Registry


def _registry(*organisations: dict) -> Registry:
    return Registry(tuple(Organisation.model_validate({"kind": "association", **o}) for o in organisations), ())


def _found(registry: Registry, text: str) -> list[tuple[str, str]]:
    return [(m.id, m.surface) for m in registry.find_organisations(FoldedText(text))]


FTDA = {"id": "ftda", "name": "France terre d'asile", "aliases": ["FTDA"]}
FRANCE = {"id": "france", "name": "France"}
FORUM = {"id": "forum", "name": "Forum réfugiés", "aliases": ["Forum Réfugiés-Cosi"]}


def test_overlapping_aliases_give_the_longest_match():
    registry = _registry(FTDA, FRANCE, FORUM)
    text = "France Terre d'Asile, la France, France terre neuve et Forum réfugiés-Cosi (Forum Réfugiés)."
    assert _found(registry, text) == [
        ("ftda", "France Terre d'Asile"),
        ("france", "France"),
        ("france", "France"),
        ("forum", "Forum réfugiés-Cosi"),
        ("forum", "Forum Réfugiés"),
    ]


def test_names_match_on_word_boundaries_only():
    registry = _registry({"id": "adoma", "name": "Adoma"}, FTDA)
    assert _found(registry, "Adomas, xAdoma, adoma2, FTDAs") == []
    assert _found(registry, "(ADOMA)/ftda-adoma") == [("adoma", "ADOMA"), ("ftda", "ftda"), ("adoma", "adoma")]


def test_case_accents_and_punctuation_are_folded_and_the_surface_is_the_original():
    registry = _registry(FORUM)
    assert _found(registry, "FORUM  REFUGIES – COSI, forum-réfugiés") == [
        ("forum", "FORUM  REFUGIES – COSI"),
        ("forum", "forum-réfugiés"),
    ]


def test_a_longest_name_rejected_by_its_guard_hides_the_shorter_names_in_it():
    registry = _registry(
        {"id": "aim", "name": "Accueil", "aliases": [{"text": "AIM Accueil", "case_sensitive": True}]},
        {"id": "aim-short", "name": "Aim"},
    )
    assert _found(registry, "aim accueil ; AIM Accueil ; un Aim et un Accueil") == [
        ("aim", "AIM Accueil"),
        ("aim-short", "Aim"),
        ("aim", "Accueil"),
    ]


def test_a_prefecture_is_found_by_its_prefects_title():
    registry = _registry({"id": "prefecture-gard", "name": "Préfecture du Gard"})
    text = "Le préfet du Gard et la préfète du Gard ont signé ; la Préfecture du Gard finance."
    assert [organisation for organisation, _ in _found(registry, text)] == ["prefecture-gard"] * 3
