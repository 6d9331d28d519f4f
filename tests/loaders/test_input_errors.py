"""Bad curation files and manifests are InputErrors naming the file and the line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ctair.loaders.corpus import read_corpus, read_manifest
from ctair.loaders.errors import InputError
from ctair.loaders.folding import FoldedText
from ctair.loaders.kinds import loader_for
from ctair.loaders.overrides import apply_overrides, load_overrides
from ctair.loaders.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
CURATION = ROOT / "corpus" / "curation"
FIXTURES = ROOT / "tests" / "fixtures" / "documents"


@pytest.fixture
def curation(tmp_path) -> Path:
    for name in ("territories.toml", "organisations.toml", "not_organisations.toml"):
        shutil.copy(CURATION / name, tmp_path / name)
    return tmp_path


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def test_toml_syntax_error_has_line(curation):
    path = curation / "organisations.toml"
    _append(path, '\n[[organisations]]\nid = "x\n')
    with pytest.raises(InputError) as error:
        Registry.load(curation)
    assert error.value.path == path and error.value.line == _line_of(path, 'id = "x')


def test_duplicate_organisation_id(curation):
    path = curation / "organisations.toml"
    _append(path, '\n[[organisations]]\nid = "adoma"\nname = "Adoma bis"\nkind = "company"\n')
    with pytest.raises(InputError, match="duplicate id 'adoma'") as error:
        Registry.load(curation)
    assert error.value.line == len(path.read_text().splitlines()) - 2


def test_alias_claimed_twice(curation):
    path = curation / "organisations.toml"
    _append(path, '\n[[organisations]]\nid = "adoma-2"\nname = "Autre"\nkind = "company"\naliases = ["ADOMA"]\n')
    with pytest.raises(InputError, match="already claimed by 'adoma'") as error:
        Registry.load(curation)
    assert error.value.line == _line_of(path, 'id = "adoma-2"')


def test_scoped_aliases_may_share_a_spelling(registry):
    assert registry.resolve("CCAS", "rennes") == "ccas-rennes"
    assert registry.resolve("CCAS", "dijon") == "ccas-dijon"
    assert registry.resolve("CCAS", "lyon") is None


def test_bad_kind_points_at_its_line(curation):
    path = curation / "organisations.toml"
    _append(path, '\n[[organisations]]\nid = "newco"\nname = "NewCo"\nkind = "charity"\n')
    with pytest.raises(InputError, match="kind") as error:
        Registry.load(curation)
    assert error.value.line == _line_of(path, 'kind = "charity"')


def test_bad_territory_value(curation):
    path = curation / "territories.toml"
    text = path.read_text().replace('insee = "69123"', 'insee = "6912"')
    path.write_text(text)
    with pytest.raises(InputError) as error:
        Registry.load(curation)
    assert error.value.path == path and error.value.line == _line_of(path, 'insee = "6912"')


def test_matching_is_folded_and_guarded(registry):
    text = "L'association soliha 31 et l'Imagine; Imagine un monde. ADOMA, adoma, l'association Imagine."
    found = [(m.id, m.surface) for m in registry.find_organisations(FoldedText(text))]
    assert found == [
        ("soliha-haute-garonne", "soliha 31"),
        ("adoma", "ADOMA"),
        ("adoma", "adoma"),
        ("imagine", "Imagine"),
    ]


def test_a_network_member_is_found_where_it_acts(registry):
    """ "Soliha" in Lyon is the Rhône association, in Toulouse Soliha 31; a town with no registered
    member gets the network (reported for curation), never a member of another territory."""
    text = "La plateforme est gérée par Soliha. La CAF aussi."

    def ids_in(territory):
        return [m.id for m in registry.find_organisations(FoldedText(text), lambda _: territory)]

    assert ids_in("lyon") == ["soliha-rhone", "caf"]
    assert ids_in("toulouse") == ["soliha-haute-garonne", "caf"]
    assert ids_in("dijon") == ["soliha", "caf-cote-d-or"]
    assert (
        registry.network_of("caf-cote-d-or") == "caf"
        and registry.network_of("ville-de-toulouse-dscs") == "ville-de-toulouse"
    )


def test_a_network_member_must_name_a_network(tmp_path, registry_dir):
    import shutil

    directory = tmp_path / "curation"
    shutil.copytree(registry_dir, directory)
    path = directory / "organisations.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('member_of = "soliha"', 'member_of = "adoma"', 1), encoding="utf-8"
    )
    with pytest.raises(InputError, match="member_of 'adoma' is not of kind 'network'") as error:
        Registry.load(directory)
    assert error.value.path == path and error.value.line is not None


@pytest.mark.parametrize(
    "entry, message",
    [
        (
            'op = "add-participation"\nsource = "diair-actions-ctair-2019"\nterritory = "nantes"\nordinal = 1\n'
            'organisation = "ofii"\nrole = "partner"\nquote = "jamais écrit"\nwhy = "a test override"',
            "not found",
        ),
        (
            'op = "add-participation"\nsource = "diair-actions-ctair-2019"\nterritory = "nantes"\nordinal = 9\n'
            'organisation = "ofii"\nrole = "partner"\nquote = "OFII"\nwhy = "a test override"',
            "no action",
        ),
        (
            'op = "remove-participation"\nsource = "diair-actions-ctair-2019"\nterritory = "nantes"\n'
            'ordinal = 1\norganisation = "adoma"\nrole = "partner"\nwhy = "a test override"',
            "delete this override",
        ),
    ],
)
def test_bad_override_when_applied(tmp_path, registry, extraction, corpus, entry, message):
    path = tmp_path / "overrides.toml"
    path.write_text(f"# header\n\n[[override]]\n{entry}\n")
    overrides = load_overrides(path, registry)
    with pytest.raises(InputError, match=message) as error:
        apply_overrides(extraction.automatic, overrides, {d.source.id: d.text for d in corpus}, path, registry)
    assert error.value.path == path and error.value.line == 3


@pytest.mark.parametrize(
    "entry, message",
    [
        (
            'op = "add-participation"\nsource = "s"\nterritory = "nantes"\n'
            'ordinal = 1\nrole = "partner"\nquote = "OFII"\nwhy = "a test override"',
            "needs organisation",
        ),
        (
            'op = "add-participation"\nsource = "s"\nterritory = "nantes"\n'
            'ordinal = 1\norganisation = "ofii"\nrole = "partner"\nquote = "OFII"',
            "why",
        ),
        (
            'op = "set-contract-year"\nsource = "s"\nterritory = "atlantis"\n'
            'kind = "CTAIR"\nyear = 2019\nwhy = "a test override"',
            "unknown territory",
        ),
        (
            'op = "add-participation"\nsource = "s"\nterritory = "nantes"\nordinal = 1\n'
            'organisation = "nobody"\nrole = "partner"\nquote = "OFII"\nwhy = "a test override"',
            "unknown organisation",
        ),
    ],
)
def test_malformed_override(tmp_path, registry, entry, message):
    path = tmp_path / "overrides.toml"
    path.write_text(
        f'[[override]]\nop = "set-contract-year"\nsource = "s"\nterritory = "lyon"\nkind = "CTAIR"\n'
        f'year = 2019\nwhy = "a valid first override"\n\n[[override]]\n{entry}\n'
    )
    with pytest.raises(InputError, match=message) as error:
        load_overrides(path, registry)
    assert error.value.path == path and error.value.line == 9


def test_malformed_manifest_names_file_and_line(tmp_path):
    path = tmp_path / "doc.toml"
    path.write_text((FIXTURES / "report.toml").read_text().replace("issued = 2024-01-01", 'issued = "someday"'))
    with pytest.raises(InputError) as error:
        read_manifest(path)
    assert error.value.path == path and error.value.line == _line_of(path, "issued")


def test_unknown_kind_names_the_manifest(tmp_path, registry):
    shutil.copy(FIXTURES / "report.txt", tmp_path / "report.txt")
    (tmp_path / "report.toml").write_text(
        (FIXTURES / "report.toml").read_text().replace('kind = "diair-report"', 'kind = "press-release"')
    )
    document = read_corpus(tmp_path)[0]
    with pytest.raises(InputError, match="unknown document kind 'press-release'") as error:
        loader_for(document)
    assert error.value.path == tmp_path / "report.toml" and error.value.line == _line_of(
        tmp_path / "report.toml", "kind ="
    )


def test_bad_expectations_file(tmp_path, registry):
    from ctair.loaders.evaluation import load_expectations

    path = tmp_path / "some-source.toml"
    path.write_text(
        'source = "some-source"\n\n[[actions]]\nterritory = "lyon"\nordinal = 1\n'
        'participations = [{ organisation = "nobody", role = "partner" }]\n'
    )
    with pytest.raises(InputError, match="unknown organisation 'nobody'") as error:
        load_expectations(tmp_path, registry)
    assert error.value.line == 6


def _corpus_with(tmp_path: Path, manifest: str) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "report.txt", corpus / "report.txt")
    (corpus / "report.toml").write_text(manifest)
    return corpus


@pytest.mark.parametrize("file", ["../../../../etc/passwd", "/etc/passwd", "../outside.txt", "sub/../../outside.txt"])
def test_a_manifest_cannot_name_a_file_outside_the_corpus(tmp_path, file):
    (tmp_path / "outside.txt").write_text("secret")
    manifest = (FIXTURES / "report.toml").read_text().replace('file = "report.txt"', f'file = "{file}"')
    corpus = _corpus_with(tmp_path, manifest)
    with pytest.raises(InputError, match="not a file of the corpus directory") as error:
        read_corpus(corpus)
    assert error.value.line == _line_of(corpus / "report.toml", "file =")


def test_a_missing_manifest_field_is_reported_with_a_line(tmp_path):
    manifest = "\n".join(
        line for line in (FIXTURES / "report.toml").read_text().splitlines() if not line.startswith("sha256")
    )
    corpus = _corpus_with(tmp_path, manifest)
    with pytest.raises(InputError, match="sha256 is missing") as error:
        read_corpus(corpus)
    assert error.value.line == _line_of(corpus / "report.toml", "id =")


def test_a_document_with_invalid_utf8_is_reported_with_its_line(tmp_path):
    import hashlib

    content = b"first line\nsecond \xff line\n"
    corpus = _corpus_with(tmp_path, "")
    (corpus / "report.txt").write_bytes(content)
    manifest = (FIXTURES / "report.toml").read_text()
    old = next(line for line in manifest.splitlines() if line.startswith("sha256"))
    (corpus / "report.toml").write_text(manifest.replace(old, f'sha256 = "{hashlib.sha256(content).hexdigest()}"'))
    with pytest.raises(InputError, match="not UTF-8 text") as error:
        read_corpus(corpus)
    assert error.value.line == 2 and "column 8" in str(error.value)


def test_a_manifest_with_invalid_utf8_is_reported_with_its_line(tmp_path):
    corpus = _corpus_with(tmp_path, "")
    (corpus / "report.toml").write_bytes((FIXTURES / "report.toml").read_bytes().replace(b"Fixture", b"Fixt\xe9re"))
    with pytest.raises(InputError, match="not UTF-8 text") as error:
        read_corpus(corpus)
    assert error.value.line == _line_of(FIXTURES / "report.toml", "Fixture")
