"""The real corpus: targets of the automatic extraction, completeness after overrides, spans."""
from __future__ import annotations

from ctair.loaders.records import Role

REPORT = "diair-actions-ctair-2019"
ARTICLE = "territoires-integration-2021"
ELEVEN = ["bordeaux", "lyon", "grenoble", "dijon", "brest", "nancy", "rennes", "clermont-ferrand", "strasbourg", "toulouse", "nantes"]


def _records(extraction, source, corrected=False):
    documents = extraction.corrected if corrected else extraction.automatic
    return next(d for d in documents if d.source.id == source)


def test_automatic_extraction_meets_targets(extraction):
    before = extraction.before
    assert set(before.per_document) == {REPORT, ARTICLE}
    for source, score in before.per_document.items():
        assert score.precision >= 0.95, (source, before.summary())
        assert score.recall >= 0.90, (source, before.summary())
    assert before.overall.precision >= 0.95 and before.overall.recall >= 0.90


def test_after_overrides_every_expected_fact_and_nothing_spurious(extraction):
    after = extraction.after
    assert after.missing == [] and after.spurious == [], after.summary()


def test_every_mention_is_its_span(extraction, corpus):
    texts = {d.source.id: d.text for d in corpus}
    count = 0

    def check(mention):
        nonlocal count
        assert mention.text == texts[mention.source][mention.span.start:mention.span.end]
        count += 1

    for records in extraction.automatic + extraction.corrected:
        for t in records.territories:
            check(t.mention)
        for c in records.contracts:
            check(c.mention)
            for x in (*c.signatories, *c.coordinators, *c.axes):
                check(x.mention)
        for a in records.actions:
            check(a.mention)
            for x in (*a.participations, *a.quantities, *a.axes, *a.publics):
                check(x.mention)
        for u in records.unresolved:
            check(u.mention)
    assert count > 300


def test_eleven_territories_of_the_report_with_their_contract(extraction):
    report = _records(extraction, REPORT)
    assert [c.territory for c in report.contracts] == ELEVEN
    assert all(c.kind.value == "CTAIR" and c.year == 2019 for c in report.contracts)
    counts = {t: sum(1 for a in report.actions if a.territory == t) for t in ELEVEN}
    assert counts == {"bordeaux": 3, "lyon": 3, "grenoble": 3, "dijon": 1, "brest": 3, "nancy": 4, "rennes": 2,
                      "clermont-ferrand": 4, "strasbourg": 2, "toulouse": 2, "nantes": 4}
    nantes = [a.ordinal for a in report.actions if a.territory == "nantes"]
    assert nantes == [1, 3, 2, 4]  # printed numbers kept
    assert next(a for a in report.actions if a.territory == "dijon").label == "ENSEMBLE !"


def test_article_zooms_contracts_and_coordinators(extraction):
    article = _records(extraction, ARTICLE)
    contracts = {c.territory: c for c in article.contracts}
    assert {t: (c.kind.value, c.year) for t, c in contracts.items()} == {
        "dijon": ("CTAIR", None), "lyon": ("CTAIR", 2019), "autun": ("PTAIR", None)}
    people = {t: [(p.name, p.title) for p in c.coordinators] for t, c in contracts.items()}
    assert people == {
        "dijon": [("Françoise Tenenbaum", "vice-présidente de Dijon Métropole déléguée à la citoyenneté, aux politiques sociales et à la santé")],
        "lyon": [("Benjamin Damasco", "chargé de mission accueil et intégration des réfugiés")],
        "autun": [("Vincent Chauvet", "maire d'Autun")],
    }


def test_spellings_resolve_to_registry_ids(extraction):
    report = _records(extraction, REPORT)
    surfaces = {(p.organisation, p.surface) for a in report.actions for p in a.participations}
    assert ("soliha", "Soliha 31") in surfaces and ("soliha", "Soliha") in surfaces
    assert ("adoma", "ADOMA") in surfaces and ("adoma", "Adoma") in surfaces
    toulouse = [a for a in report.actions if a.territory == "toulouse"]
    assert {(p.organisation, p.role) for p in toulouse[0].participations} == {
        ("ville-de-toulouse", Role.COORDINATOR), ("soliha", Role.OPERATOR)}


def test_unresolved_are_reported_not_minted(extraction):
    surfaces = {u.surface for u in extraction.unresolved}
    assert "Direction des Solidarités et de la Cohésion Sociale" in surfaces
    organisations = set(extraction.registry.organisations)
    for records in extraction.automatic:
        for a in records.actions:
            assert {p.organisation for p in a.participations} <= organisations


def test_curated_facts_carry_method_and_quote(extraction):
    report = _records(extraction, REPORT, corrected=True)
    nantes1 = next(a for a in report.actions if a.territory == "nantes" and a.ordinal == 1)
    ofii = next(p for p in nantes1.participations if p.organisation == "ofii")
    assert ofii.mention.method.value == "curated" and ofii.surface == "OFII"
    assert "formation civique de l'OFII" in ofii.mention.text
