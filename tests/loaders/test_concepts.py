"""Axis and public matching on lemmas, with context rules, on ``ontology/schemes.ttl``.

Each context-rule test uses a sentence on which the matcher before lemmas and context rules
(labels copied from the documents, matched on folded words) gave the wrong concept; the
generalisation test scores sentences written for it, not taken from the corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ctair.loaders.concepts import Concepts, name_spans
from ctair.loaders.facts import DocumentIndex
from ctair.loaders.lemmas import LemmaKeys

SCHEMES = Path(__file__).resolve().parents[2] / "ontology" / "schemes.ttl"


@pytest.fixture(scope="module")
def concepts() -> Concepts:
    return Concepts.load(SCHEMES)


def found(concepts: Concepts, text: str) -> tuple[set[str], set[str]]:
    analysed = concepts.analyse(text)
    return {h.concept for h in concepts.axes.find(analysed)}, {h.concept for h in concepts.publics.find(analysed)}


def axes(concepts: Concepts, text: str) -> set[str]:
    return found(concepts, text)[0]


def publics(concepts: Concepts, text: str) -> set[str]:
    return found(concepts, text)[1]


# --- lemmas --------------------------------------------------------------------------------------


def test_the_spacy_tables_are_used(concepts):
    """Without them the matcher silently falls back to plural stripping: say so loudly here."""
    assert concepts.keys.uses_model


@pytest.mark.parametrize(
    "text, axis",
    [
        ("Des logements sociaux sont captés dans le parc privé.", "logement"),  # plural, adjective agreement
        ("Aider les jeunes à se loger rapidement.", "logement"),  # verb, label "se loger"
        ("Ils se logent chez des particuliers.", "logement"),  # conjugated
        ("Faciliter l'accès au droit.", "acces-aux-droits"),  # au droit / aux droits
        ("Des baux glissants sont signés.", "logement"),  # irregular plural
        ("Lutter contre les préjugés.", "changement-de-regard"),
        (
            "Professionaliser les intervenants sociaux.",
            "professionnalisation-des-acteurs",
        ),  # a doubled-letter misspelling
    ],
)
def test_lemma_matching(concepts, text, axis):
    assert axis in axes(concepts, text)


def test_feminine_and_plural_publics_meet_one_label(concepts):
    assert publics(concepts, "Trois femmes réfugiées et un réfugié.") == {"femmes", "bpi"}


def test_longest_label_shadows_the_words_it_contains(concepts):
    assert axes(concepts, "Un groupe de travail sur l'emploi.") == {"pilotage", "emploi"}
    assert axes(concepts, "Une médiation linguistique à l'hôpital.") == {"interpretariat", "sante"}


def test_pure_fallback_without_the_model():
    keys = LemmaKeys(use_model=False)
    assert not keys.uses_model
    assert keys.key("Logements") == keys.key("logement")


# --- context rules -------------------------------------------------------------------------------


def test_department_name_is_not_its_theme(concepts):
    text = "La coordination est confiée à la Direction des Solidarités, de la Santé et de la Jeunesse de la Ville."
    assert "sante" not in axes(concepts, text)
    assert "jeunes" not in publics(concepts, text)


def test_commission_name_is_not_a_public_or_housing(concepts):
    text = "Les dossiers passent devant la Commission Territoriale de Relogement des Réfugiés."
    assert found(concepts, text) == (set(), set())


def test_programme_defined_by_its_acronym_is_a_name(concepts):
    assert "hebergement" not in axes(
        concepts, "Un sas entre le Dispositif national d'accueil (DNA) et la vie autonome."
    )
    assert axes(concepts, "Le Dispositif santé réfugiés (DSR) est piloté par Coallia.") == set()


def test_acronym_with_accented_initial_is_a_name(concepts):
    text = "La Direction générale des étrangers en France (DGEF) cofinance le contrat."
    assert publics(concepts, text) == set()  # not "migrants" from the name


def test_hyphenated_capitalised_name_is_a_name(concepts):
    assert axes(concepts, "L'Oiseau bleu et Unis-Cité accompagnent les jeunes.") == set()


def test_parenthesised_examples_are_asides(concepts):
    text = (
        "Cette action facilite l'intégration des familles (scolarisation des enfants, insertion professionnelle, etc.)."
    )
    assert axes(concepts, text) == set()
    assert axes(concepts, "Un accueil (30 places en hébergement collectif) est ouvert.") == {"hebergement"}


@pytest.mark.parametrize(
    "text, absent, kept",
    [
        # what the public already has is no theme of the action; the action's own theme stays
        ("Une aide au permis de conduire pour les jeunes bénéficiant d'un logement social.", "logement", "mobilite"),
        ("Un atelier de cuisine pour des femmes inscrites dans un cours de français.", "langue", None),
        # the field professionals work in: training them is professionalisation, not employment or health
        ("Des journées de sensibilisation pour les professionnels de l'insertion par l'emploi.", "emploi", None),
        (
            "Un guide pour les intermédiaires de l'emploi, pour mieux accompagner les réfugiés vers un logement.",
            "emploi",
            "logement",
        ),
        ("Il est associé à d'autres acteurs comme les clubs sportifs et les centres sociaux.", "sport", None),
        # how long something lasts
        ("Une allocation est versée trois mois, le temps de l'accès à l'emploi.", "emploi", None),
        # examples illustrate; who leads is not the steering theme
        ("Des comités de suivi se réunissent. Par exemple, pour trouver du covoiturage.", "mobilite", "pilotage"),
        (
            "Des bénévoles aident au quotidien, pour apprendre à faire du vélo par exemple, ou à cuisiner.",
            "mobilite",
            None,
        ),
        ("Cet atelier de théâtre est piloté par la mairie.", "pilotage", "culture"),
    ],
)
def test_circumstances_are_no_theme(concepts, text, absent, kept):
    found_axes = axes(concepts, text)
    assert absent not in found_axes
    if kept:
        assert kept in found_axes


def test_circumstances_keep_the_public(concepts):
    """The people a circumstance names are still the action's public."""
    assert "bpi" in publics(concepts, "Un guide pour les professionnels de l'accueil des réfugiés.")
    assert axes(concepts, "Un guide pour les professionnels de l'accueil des réfugiés.") == set()


@pytest.mark.parametrize(
    "text, absent, kept",
    [
        # the agent of a passive names who acts
        ("La dynamique engagée par les groupes de travail se poursuit avec un atelier de cuisine.", "pilotage", None),
        ("Le projet porté par l'organisme de formation Horizon vise l'accès au logement.", "formation", "logement"),
        ("Une fresque soutenue par la Direction régionale dans le domaine de la culture.", None, "culture"),
        # a means is no agent
        ("Un diagnostic est réalisé par le biais de groupes de travail.", None, "pilotage"),
        # words for people's status end like participles without being one
        ("L'inclusion de publics réfugiés par la mobilisation de la société civile.", None, "liens-societe"),
        # what an evaluation measures, what a step is a prerequisite of
        (
            "Une méthode pour mesurer l'impact des ateliers sur les parcours d'intégration.",
            "parcours-integration",
            None,
        ),
        ("Le permis est nécessaire à un accès à l'emploi durable ; l'action finance le code.", "emploi", None),
        # a call for projects is how actions are funded, not steering
        ("Des appels à projets financent des initiatives de solidarité.", "pilotage", None),
    ],
)
def test_agents_measures_and_calls_are_no_theme(concepts, text, absent, kept):
    found_axes = axes(concepts, text)
    if absent:
        assert absent not in found_axes
    if kept:
        assert kept in found_axes


@pytest.mark.parametrize(
    "text, expected",
    [
        # a training nobody qualifies is vocational training
        ("Une formation préalable sur mesure est prévue avant l'embauche.", {"formation", "emploi"}),
        ("Les jeunes suivent des formations au numérique.", {"formation"}),
        # qualified by another concept's words: that concept
        ("Le site recense les demandes en formation « Français Langue Etrangère ».", {"langue"}),
        # for professionals: the training of professionals
        (
            "La mairie organise des formations afin de permettre aux agents de mieux accueillir.",
            {"professionnalisation-des-acteurs"},
        ),
        (
            "Deux cycles de formation sont prévus :\n- à destination des travailleurs sociaux",
            {"professionnalisation-des-acteurs"},
        ),
        # professionals of another item of a list are not the trainees
        ("L'accès à l'emploi via la formation et l'appui pour les travailleurs sociaux.", {"emploi", "formation"}),
        # "la formation" after a named kind of training refers back to it
        ("La formation linguistique Alpha commence en mars. La formation touche 12 personnes.", {"langue"}),
        # an indefinite one is a new training
        ("Un atelier linguistique est ouvert. Une formation qualifiante suit.", {"langue", "formation"}),
    ],
)
def test_a_bare_training_is_resolved_by_its_context(concepts, text, expected):
    assert axes(concepts, text) == expected


def test_common_wordings_of_a_theme(concepts):
    assert axes(concepts, "Des cours de langue ont lieu le soir.") == {"langue"}


def test_an_unaccented_capital_is_read_as_the_accented_word(concepts):
    """French print often drops accents on capitals: "Etrangère" is "étrangère"."""
    keys = LemmaKeys()
    assert keys.key("Etrangère") == keys.key("étrangère")
    assert keys.key("Ecole") == keys.key("école")
    assert axes(concepts, "Des cours de Français Langue Etrangère.") == {"langue"}


def test_a_list_of_partners_names_no_theme(concepts, registry):
    """A noun phrase listed after organisations ("la CAF, l'Assurance maladie et tous les lieux de
    culture") names more partners; the same words as the object of a verb are a theme."""
    from ctair.loaders.facts import axes as axes_of
    from ctair.loaders.text import Segment

    for text, expected in (
        ("Le réseau regroupe la CAF, l'Assurance maladie et tous les lieux de culture.", set()),
        ("Porté par Coallia, le projet ouvre l'accès à la culture.", {"culture"}),
    ):
        index = DocumentIndex("test", text, registry, concepts)
        index.match_organisations(lambda position: None)
        assert {ref.axis for ref in axes_of(index, Segment(0, len(text)))} == expected, text


def test_a_programme_name_states_no_theme(concepts, registry):
    from ctair.loaders.facts import axes as axes_of
    from ctair.loaders.text import Segment

    text = "Le programme de réussite éducative permet un suivi individualisé des enfants."
    index = DocumentIndex("test", text, registry, concepts)
    index.match_organisations(lambda position: None)
    assert {ref.axis for ref in axes_of(index, Segment(0, len(text)))} == {"parcours-integration"}


def test_quoted_programme_name_is_a_name(concepts):
    assert "culture" not in axes(concepts, 'L\'association "Danse à tous les étages" recrute un comptable.')
    # the same word outside a name still counts
    assert "culture" in axes(concepts, "Un atelier de danse est ouvert à tous.")


def test_lowercase_department_is_a_name(concepts):
    assert "sport" not in axes(concepts, "Les services de la ville, la direction des sports et la CAF sont associés.")


def test_portfolio_of_a_person_is_not_the_theme(concepts):
    assert "sante" not in axes(concepts, "Marie Durand, adjointe à la santé, ouvre la séance.")


def test_organisation_from_the_registry_is_a_name(concepts, registry):
    text = "Forum réfugiés-Cosi assure l'accompagnement à l'intégration des familles."
    index = DocumentIndex("test", text, registry, concepts)
    index.match_organisations(lambda position: None)
    assert [m.id for m in index.organisations] == ["forum-refugies-cosi"]
    assert {h.concept for h in index.publics} == {"familles"}  # not "bpi" from the name
    assert {h.concept for h in index.axes} == {"parcours-integration"}


@pytest.mark.parametrize(
    "text, expected",
    [
        # the broad theme's own words beside a narrower theme: both (three readings agree)
        ("Des groupes de travail mènent un diagnostic des besoins.", {"connaissance-des-publics", "pilotage"}),
        ("Des ateliers de théâtre créent du lien social.", {"culture", "liens-societe"}),
        (
            "Le projet facilite l'accès au logement et sort les familles de l'hébergement d'urgence.",
            {"logement", "hebergement"},
        ),
        # two narrower themes joined are those two, not their umbrella
        ("Ses axes couvrent la formation et l'emploi.", {"formation", "emploi"}),
    ],
)
def test_broad_and_narrow_axes_the_text_states(concepts, registry, text, expected):
    from ctair.loaders.facts import axes as axes_of
    from ctair.loaders.text import Segment

    index = DocumentIndex("test", text, registry, concepts)
    index.match_organisations(lambda position: None)
    assert {ref.axis for ref in axes_of(index, Segment(0, len(text)))} == expected


def test_name_spans_keep_concept_phrases(concepts):
    """A capitalised concept ("Français Langue étrangère (FLE)") is not an institution's name."""
    text = "Des cours de Français Langue étrangère (FLE) pour les bénéficiaires de la protection internationale (BPI)."
    assert name_spans(text) == []
    assert found(concepts, text) == ({"langue"}, {"bpi"})


def test_sans_negates_the_next_word(concepts):
    text = "Des jeunes sans logement sont orientés vers un accompagnement global."
    assert axes(concepts, text) == {"parcours-integration"}
    assert publics(concepts, text) == {"jeunes"}
    assert "enfants" not in publics(concepts, "Les ménages, avec ou sans enfant.")


def test_ne_pas_negates_to_the_end_of_the_clause(concepts):
    text = "Ces actions ne proposent pas un simple hébergement, mais un cadre pour l'insertion sociale."
    assert axes(concepts, text) == {"parcours-integration"}
    text = "Il n'y a pas de cours de français mais un accès à l'emploi."
    assert axes(concepts, text) == {"emploi"}


def test_negation_stops_at_a_new_clause(concepts):
    text = "Des jeunes qui n'ont jamais été hébergés afin de les aider à trouver un logement."
    assert axes(concepts, text) == {"logement"}


def test_hors_negates(concepts):
    assert axes(concepts, "Faciliter l'accès au logement hors centres d'hébergement.") == {"logement"}


def test_origin_is_not_the_theme(concepts):
    assert axes(concepts, "Améliorer l'accès à la santé de réfugiés sortant de dispositifs d'hébergement.") == {"sante"}
    assert axes(concepts, "Faciliter l'accès au logement quand les personnes sortent de CADA.") == {"logement"}


def test_droit_commun_is_not_access_to_rights(concepts):
    assert axes(concepts, "Permettre aux BPI d'accéder à l'ensemble des dispositifs de droit commun.") == set()
    assert axes(concepts, "Faciliter l'accès aux droits des réfugiés.") == {"acces-aux-droits"}


def test_foreign_language_is_not_foreigners(concepts):
    assert publics(concepts, "Un cours de langue étrangère.") == set()
    assert publics(concepts, "Un guide pour les résidents étrangers.") == {"migrants"}


def test_hits_are_offsets_into_the_original_text(concepts):
    text = "L’accès aux  Logements sociaux, pour les Réfugiées."
    analysed = concepts.analyse(text)
    assert [text[h.start : h.end] for h in concepts.axes.find(analysed)] == ["accès aux  Logements"]
    assert [text[h.start : h.end] for h in concepts.publics.find(analysed)] == ["Réfugiées"]


# --- generalisation ------------------------------------------------------------------------------

# Sentences written for this test (none is from the corpus), with the axes and publics a reader
# assigns. Not every one is expected to be found: the score must stay above the floor below.
UNSEEN = [
    (
        "Des bénévoles donnent des cours de français trois soirs par semaine aux femmes exilées.",
        {"langue"},
        {"femmes", "migrants"},
    ),
    ("Une conseillère aide les jeunes à rédiger leur CV et à trouver un stage en entreprise.", {"emploi"}, {"jeunes"}),
    ("Le projet finance des consultations chez un psychologue et l'adhésion à une mutuelle.", {"sante"}, set()),
    (
        "Les familles hébergées à l'hôtel sont orientées vers un logement pérenne grâce à un bail glissant.",
        {"logement", "hebergement"},
        {"familles"},
    ),
    (
        "Un tournoi de football réunit chaque mois des habitants du quartier et des demandeurs d'asile.",
        {"sport", "liens-societe"},
        {"migrants"},
    ),
    ("Les enfants sont inscrits à l'école et suivent un soutien scolaire le mercredi.", {"education"}, {"enfants"}),
    (
        "Des ateliers d'information sur le permis de conduire et les transports en commun "
        "sont proposés aux primo-arrivants.",
        {"mobilite"},
        {"primo-arrivants"},
    ),
    (
        "Le comité de pilotage réunit la préfecture, le département et les associations deux fois par an.",
        {"pilotage"},
        set(),
    ),
    (
        "Une exposition de photographies réalisées par des réfugiés afghans change le regard des habitants sur l'exil.",
        {"culture", "changement-de-regard"},
        {"bpi"},
    ),
    (
        "Un interprète accompagne les ménages lors des rendez-vous à la préfecture "
        "pour le renouvellement du titre de séjour.",
        {"interpretariat", "acces-aux-droits"},
        {"menages"},
    ),
    (
        "Les hommes isolés sans emploi bénéficient d'un accompagnement global.",
        {"parcours-integration"},
        {"hommes-isoles"},
    ),
]


def test_generalisation_to_unseen_sentences(concepts):
    """Micro precision and recall over axes and publics of the unseen sentences (measured when
    written: precision 1.0, recall 0.84 — 21 of 25; the misses are "hébergées à l'hôtel", the
    "habitants du quartier" meeting, "demandeurs d'asile" and "change le regard"; the matcher
    before lemmas and context rules scored precision 0.94, recall 0.64)."""
    true_positive = false_positive = false_negative = 0
    for text, expected_axes, expected_publics in UNSEEN:
        got_axes, got_publics = found(concepts, text)
        for got, expected in ((got_axes, expected_axes), (got_publics, expected_publics)):
            true_positive += len(got & expected)
            false_positive += len(got - expected)
            false_negative += len(expected - got)
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    assert precision >= 0.95 and recall >= 0.8, (precision, recall)


# --- scripts/score_concepts.py -------------------------------------------------------------------


def _score_module():
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[2] / "scripts" / "score_concepts.py"
    spec = importlib.util.spec_from_file_location("score_concepts", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_score_keys_actions_and_unites_zooms_with_their_contract():
    from types import SimpleNamespace as N

    score = _score_module()._score
    axis, public = (lambda name: N(axis=name)), (lambda name: N(public=name))
    report = N(
        source=N(kind="diair-report"),
        contracts=[N(territory="lyon", axes=[axis("logement")])],
        actions=[N(territory="lyon", ordinal=2, axes=[axis("logement"), axis("emploi")], publics=[public("bpi")])],
    )
    expected = {
        "contracts": [{"territory": "lyon", "axes": ["logement", "emploi"]}],
        "actions": [
            {"territory": "lyon", "ordinal": 2, "axes": ["logement"], "publics": ["bpi", "jeunes"]},
            {"territory": "lyon", "ordinal": 3, "axes": ["sante"]},
        ],
    }
    out = score(report, expected)
    assert (out["actions"][0].tp, out["actions"][0].fp, out["actions"][0].fn) == (1, 1, 1)  # emploi extra, sante missed
    assert (out["actions"][1].tp, out["actions"][1].fp, out["actions"][1].fn) == (1, 0, 1)
    assert (out["contracts"][0].tp, out["contracts"][0].fn) == (1, 1)
    article = N(
        source=N(kind="web-article"),
        contracts=[N(territory="dijon", axes=[])],
        actions=[N(territory="dijon", ordinal=1, axes=[axis("citoyennete")], publics=[])],
    )
    out = score(
        article,
        {
            "contracts": [{"territory": "dijon", "axes": ["citoyennete"]}],
            "actions": [{"territory": "dijon", "ordinal": 1}],
        },
    )
    assert (out["zooms"][0].tp, out["zooms"][0].fp, out["zooms"][0].fn) == (1, 0, 0)


def test_no_two_concepts_share_a_lemma_key(concepts):
    """Two labels of different concepts that lemmatise alike would make the matcher pick one
    silently (the folded-label uniqueness of tests/test_ontology.py does not see lemmas)."""
    from ctair.loaders.concepts import label_keys

    for matcher in (concepts.axes, concepts.publics):
        owners: dict[tuple[str, ...], set[str]] = {}
        for concept, labels in matcher.labels.items():
            for label in labels:
                owners.setdefault(label_keys(label, concepts.keys), set()).add(concept)
        assert not {key: names for key, names in owners.items() if len(names) > 1}


def test_outside_drops_hits_overlapping_any_span():
    from ctair.loaders.concepts import ConceptHit, outside

    hits = [ConceptHit("a", 0, 3), ConceptHit("b", 5, 8), ConceptHit("c", 12, 14), ConceptHit("d", 20, 22)]
    # spans overlap each other: (4, 13) reaches past (6, 7), which starts later
    assert [h.concept for h in outside(hits, [(4, 13), (6, 7)])] == ["a", "d"]
    assert outside(hits, []) == hits


@pytest.mark.parametrize("word", ["noun", "a", "logements", "réfugiés", "abcdefgh", "œuvre", "professionnalisation"])
def test_string_id_is_spacys_hash(word):
    """The lemma tables are read without importing spaCy, through this re-implementation of its hash."""
    from spacy.strings import get_string_id

    from ctair.loaders.lemmas import string_id

    assert string_id(word) == get_string_id(word)
