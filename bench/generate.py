"""A synthetic ctair corpus of any size, in the formats of the real one, for benchmarks.

    .venv/bin/python -m bench.generate --actions 10000 --out var/bench/corpus-10000 [--seed 7]

Deterministic for a given ``--seed`` and ``--actions``. Writes, like ``corpus/``:

* Diair-report-like texts (kind ``diair-report``): a cover "Actions <KIND> <YEAR>", a table of
  contents ``Name<TAB>p.N``, one section per territory (heading line, introduction naming the
  signatories and axes), numbered actions (a bare number line, a title line, a description with
  bold ``**phrases**``, cue phrases — "porté par", "géré par", ", opérateur du projet",
  "en partenariat avec", "financé par" — and quantities: "30 places", "1 500€", "20 BPI",
  "4 à 6 mois"). One report per (contract kind, group of ≤ 40 territories) so no file is
  enormous; ≤ 99 actions per section (the loader reads 1–2 digit numbers).
* web-article-like texts (kind ``web-article``) with "Le CTAIR à Name (NN)" zooms and their
  labelled fields, about one zoom per 50 actions;
* a ``.toml`` manifest per document (with its sha256);
* ``curation/``: ``territories.toml``, ``organisations.toml`` (a large pool with alias
  spellings, some case-sensitive acronyms, some scoped to a territory), the real
  ``not_organisations.toml``, an empty ``overrides.toml`` and an empty ``expectations/``.

Organisations and territories have made-up names built from syllables (no real word can match
by accident); the three big operators Adoma, Coallia and France Horizon are in the pool so the
research queries have familiar parameters.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("CTAIR", "CTAI", "PTAIR", "PTAI")
FIRST_YEAR = 2019
SECTIONS_PER_REPORT = 40
MEAN_ACTIONS_PER_SECTION = 20

_ORG_SYLLABLES = [
    "ka",
    "ver",
    "lo",
    "mi",
    "dor",
    "sen",
    "tu",
    "bar",
    "rel",
    "gan",
    "pi",
    "zo",
    "lu",
    "nef",
    "fa",
    "rik",
]
_TER_SYLLABLES = [
    "mon",
    "tal",
    "bre",
    "vix",
    "cou",
    "ran",
    "dol",
    "sau",
    "gry",
    "mer",
    "pol",
    "tav",
    "lun",
    "cher",
    "vau",
    "bel",
]
_ORG_PREFIXES = [
    "Association",
    "Collectif",
    "Fondation",
    "Réseau",
    "Maison",
    "Centre",
    "Entraide",
    "Passerelle",
    "Solidarités",
    "Accueil",
    "Institut",
    "Coopérative",
]
_TER_SUFFIXES = ["", "", "", "-sur-Loue", "-les-Bains", "-en-Vallée", "-le-Haut", "-la-Forêt"]
_ORG_KINDS = ["association"] * 6 + ["public-body", "company", "collectivity", "research-body"]
_FIRST_NAMES = ["Claire", "Julien", "Amina", "Louis", "Sophie", "Karim", "Élise", "Marc", "Nadia", "Paul"]
_LAST_NAMES = ["Morvan", "Delacroix", "Benali", "Garnier", "Lemaire", "Traoré", "Fabre", "Roussel", "Caron", "Perrin"]

_THEMES = [
    ("l'accès au logement", "Accompagner vers le logement", "captation de logements dans le parc privé"),
    ("l'accès à l'emploi", "Favoriser l'accès à l'emploi", "parcours d'insertion professionnelle"),
    (
        "l'apprentissage du français",
        "Renforcer la maîtrise du français",
        "formation linguistique à visée professionnelle",
    ),
    ("l'accès aux soins", "Faciliter l'accès aux soins", "accompagnement vers la santé mentale"),
    ("l'accès aux droits", "Ouvrir l'accès aux droits", "permanence d'accès aux droits"),
    ("la formation", "Se former pour travailler", "formation qualifiante"),
    ("la mobilité", "Bouger pour s'intégrer", "apprentissage du vélo et de la conduite"),
    ("la participation citoyenne", "Créer des liens avec les habitants", "parrainage citoyen"),
]


def _root(index: int, syllables: list[str], rng: random.Random, width: int) -> str:
    digits = []
    for _ in range(width):
        digits.append(syllables[index % len(syllables)])
        index //= len(syllables)
    return (rng.choice(syllables) + "".join(digits)).capitalize()


@dataclass
class Org:
    id: str
    name: str
    kind: str
    aliases: list  # str or dict (TOML inline table)
    spellings: list[str] = field(default_factory=list)  # what the documents may write


@dataclass
class Territory:
    id: str
    label: str
    department: str
    insee: str
    lat: float
    long: float


def make_territories(count: int, rng: random.Random) -> list[Territory]:
    width = max(2, math.ceil(math.log(count + 1, len(_TER_SYLLABLES))))
    out, seen = [], set()
    for i in range(count):
        label = _root(i, _TER_SYLLABLES, rng, width) + rng.choice(_TER_SUFFIXES)
        while label.casefold() in seen:
            label += "-Neuf"
        seen.add(label.casefold())
        department = f"{rng.randint(1, 95):02d}"
        out.append(
            Territory(
                id=f"t{i:05d}-{label.casefold().replace('é', 'e').replace('ê', 'e').replace('ô', 'o')}",
                label=label,
                department=department,
                insee=f"{department}{i % 1000:03d}",
                lat=round(rng.uniform(42.5, 50.9), 4),
                long=round(rng.uniform(-4.5, 7.5), 4),
            )
        )
    return out


def make_organisations(count: int, territories: list[Territory], rng: random.Random) -> list[Org]:
    orgs = [
        Org("adoma", "Adoma", "company", [{"text": "ADOMA", "case_sensitive": True}], ["Adoma", "ADOMA"]),
        Org("coallia", "Coallia", "association", ["COALLIA"], ["Coallia", "COALLIA"]),
        Org("france-horizon", "France Horizon", "association", [], ["France Horizon"]),
    ]
    width = max(2, math.ceil(math.log(count + 1, len(_ORG_SYLLABLES))))
    for i in range(max(0, count - len(orgs))):
        root = _root(i, _ORG_SYLLABLES, rng, width)
        prefix = rng.choice(_ORG_PREFIXES)
        name = f"{prefix} {root}"
        aliases: list = []
        spellings = [name]
        roll = rng.random()
        if roll < 0.35:  # an acronym-like upper-case spelling, case-sensitive
            acronym = root.upper()
            aliases.append({"text": acronym, "case_sensitive": True})
            spellings.append(acronym)
        elif roll < 0.6:  # a local branch spelled with its department ("Soliha 31")
            territory = rng.choice(territories)
            branch = f"{root} {territory.department}"
            aliases.append(branch)
            spellings.append(branch)
        if rng.random() < 0.3:  # an accent/case variant of the name
            variant = f"{prefix.upper()} {root.upper()}"
            spellings.append(variant)
        if rng.random() < 0.2:
            aliases.append(f"{prefix} {root} France")
            spellings.append(f"{prefix} {root} France")
        orgs.append(Org(f"o{i:05d}-{root.casefold()}", name, rng.choice(_ORG_KINDS), aliases, spellings))
    return orgs


def _pick_operator(orgs: list[Org], rng: random.Random) -> Org:
    """Operators follow a heavy-tailed law: a few national operators are everywhere."""
    if rng.random() < 0.25:
        return orgs[rng.randrange(3)]
    return orgs[min(len(orgs) - 1, int(rng.paretovariate(1.1))) if rng.random() < 0.5 else rng.randrange(len(orgs))]


def _quantity_sentence(rng: random.Random) -> str:
    options = [
        lambda: f"Le dispositif propose {rng.randint(5, 120)} places en hébergement collectif.",
        lambda: f"L'action touche {rng.randint(10, 400)} BPI sur {rng.randint(4, 6)} à {rng.randint(7, 12)} mois.",
        lambda: f"Le budget est de {rng.randint(1, 90)} {rng.randint(100, 999)}€ pour la première année.",
        lambda: f"Elle vise à capter {rng.randint(3, 80)} logements pour {rng.randint(5, 60)} familles.",
        lambda: f"Au total, {rng.randint(20, 300)} heures de formation sont dispensées à {rng.randint(8, 90)} jeunes.",
        lambda: f"{rng.randint(12, 60)} séances collectives réunissent {rng.randint(10, 150)} participants.",
    ]
    return rng.choice(options)()


def _action(n: int, territory: Territory, orgs: list[Org], rng: random.Random) -> str:
    theme, title, bold = rng.choice(_THEMES)
    operator = _pick_operator(orgs, rng)
    op = rng.choice(operator.spellings)
    partners = [rng.choice(rng.choice(orgs).spellings) for _ in range(rng.randint(0, 3))]
    partners = [p for p in dict.fromkeys(partners) if p != op]
    opening = rng.choice(
        [
            f"Le projet porté par {op} vise à développer une **{bold}** pour {theme} des bénéficiaires de la protection internationale (BPI).",
            f"{op} a développé un **projet de {bold}** afin de faciliter {theme} des personnes réfugiées.",
            f"Cette action, gérée par {op}, consiste en une **{bold}** centrée sur {theme}.",
            f"En pratique, les équipes de {op}, opérateur du projet, accompagnent les réfugiés dans une **{bold}** pour {theme}.",
            f"La **{bold}** est mise en œuvre par {op} et favorise {theme} des BPI.",
        ]
    )
    sentences = [opening]
    if partners:
        sentences.append(f"Elle est menée en partenariat avec {' et '.join(partners)}.")
    if rng.random() < 0.3:
        funder = rng.choice(orgs[: max(3, len(orgs) // 20)])
        sentences.append(f"L'action est cofinancée par {rng.choice(funder.spellings)} et la métropole.")
    sentences.append(_quantity_sentence(rng))
    if rng.random() < 0.5:
        sentences.append(_quantity_sentence(rng))
    sentences.append("L'objectif est de lever les freins à l'intégration et de construire un parcours durable.")
    return f"{n}\n\n{title} à {territory.label}\n\n{' '.join(sentences)}"


def report_text(
    kind: str, year: int, sections: list[tuple[Territory, int]], orgs: list[Org], rng: random.Random
) -> str:
    parts = [
        "\n\n\nGOUVERNEMENT\n\n*Liberté\nÉgalité\nFraternité*\n\nDélégation interministérielle\nà l'accueil et à l'intégration\ndes réfugiés",
        f"\nActions {kind} {year}\n\nActions menées dans le cadre des contrats\nterritoriaux pour l'accueil et l'intégration\ndes personnes réfugiées\n\nJuillet {year + 1}\n\n\n",
        "Sommaire\n\n1. Introduction p.2\n\n2. Présentation des actions\n",
        "\n".join(f"{territory.label}\tp.{i + 3}" for i, (territory, _) in enumerate(sections)),
        "\n\n\nVoici une présentation non exhaustive des actions déployées dans le cadre de ces contrats territoriaux.\n",
    ]
    for territory, count in sections:
        coordinator = rng.choice(orgs[: max(3, len(orgs) // 10)])
        theme_a, theme_b = rng.sample([t[0] for t in _THEMES], 2)
        parts.append(
            f"\n\n{territory.label}\n\nPlusieurs thèmes ont été retenus lors de la signature du {kind} de ce territoire, "
            f"parmi lesquels : {theme_a} et {theme_b} des réfugiés. Le contrat est piloté par "
            f"{rng.choice(coordinator.spellings)} en lien avec les services de l'État.\n"
        )
        for n in range(1, count + 1):
            parts.append("\n" + _action(n, territory, orgs, rng) + "\n")
    parts.append("\n\naccueil-integration-refugies.fr\n")
    return "\n".join(parts)


def article_text(zooms: list[tuple[str, Territory]], orgs: list[Org], rng: random.Random, year: int) -> str:
    parts = [
        f"\n\nLes Territoires d'Intégration — {year}\n\n28 juin {year} | [Actualités](#), [CTAIR](#)\n\n",
        "Pour accueillir au mieux les réfugiés et favoriser leur intégration, les villes françaises disposent de "
        "plusieurs types de contrats. Voici quelques territoires engagés.\n",
    ]
    for kind, territory in zooms:
        porteur, *others = rng.sample(orgs, 3)
        name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
        parts.append(
            f"\n\nLe {kind} à {territory.label} ({territory.department})\n\n"
            f"L'idée de départ : intégrer les personnes réfugiées au même titre que les autres habitants.\n\n"
            f"Les objectifs fixés : assurer {rng.choice(_THEMES)[0]} et changer le regard sur les réfugiés.\n\n"
            f"Les spécificités du territoire : C'est l'association {rng.choice(porteur.spellings)}, qui travaille depuis "
            f"longtemps avec les réfugiés, qui est porteuse du projet. Le {kind} a été signé en {year}.\n\n"
            f"Le coordinateur : {name}, chargé de mission accueil et intégration des réfugiés.\n\n"
            f"Le projet : Les dispositifs regroupent {rng.choice(others[0].spellings)}, {rng.choice(others[1].spellings)} "
            f"et tous les lieux de culture. {rng.randint(10, 90)} places sont réservées chaque année.\n\n"
            f"À retenir : Le territoire donne les clés de la citoyenneté aux personnes réfugiées.\n"
        )
    return "\n".join(parts)


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


# the registry wants every point to cite where it was read: these are drawn by this script
SYNTHETIC_SOURCE = "https://w3id.org/ctair/bench/generate.py"


def write_curation(directory: Path, territories: list[Territory], orgs: list[Org]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "expectations").mkdir(exist_ok=True)
    lines = ["# Synthetic territories (bench/generate.py).", ""]
    for t in territories:
        lines += [
            "[[territories]]",
            f"id = {_toml_string(t.id)}",
            f"label = {_toml_string(t.label)}",
            f"alt_labels = [{_toml_string('Métropole de ' + t.label)}]",
            'kind = "metropole"',
            f"insee = {_toml_string(t.insee)}",
            f"department = {_toml_string(t.department)}",
            f"lat = {t.lat}",
            f"long = {t.long}",
            f"coordinates_source = {_toml_string(SYNTHETIC_SOURCE)}",
            "",
        ]
    (directory / "territories.toml").write_text("\n".join(lines), encoding="utf-8")
    lines = ["# Synthetic organisations (bench/generate.py).", ""]
    for o in orgs:
        lines += [
            "[[organisations]]",
            f"id = {_toml_string(o.id)}",
            f"name = {_toml_string(o.name)}",
            f"kind = {_toml_string(o.kind)}",
            f"aliases = {_toml_value(o.aliases)}",
            "",
        ]
    (directory / "organisations.toml").write_text("\n".join(lines), encoding="utf-8")
    shutil.copyfile(ROOT / "corpus" / "curation" / "not_organisations.toml", directory / "not_organisations.toml")
    (directory / "overrides.toml").write_text("# No curated corrections in the synthetic corpus.\n", encoding="utf-8")


def _manifest(doc_id: str, kind: str, file: str, title: str, issued: str, digest: str) -> str:
    return "\n".join(
        [
            "# Manifest of one synthetic corpus document (bench/generate.py).",
            f"id = {_toml_string(doc_id)}",
            f"kind = {_toml_string(kind)}",
            f"file = {_toml_string(file)}",
            f"title = {_toml_string(title)}",
            'publisher = "ctair benchmark generator"',
            f"issued = {issued}",
            'url = "https://example.org/ctair-bench/"',
            'license = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"',
            f"sha256 = {_toml_string(digest)}",
            'language = "fr"',
            'description = "Synthetic document in the format of the Diair documents, for benchmarks."',
            "",
        ]
    )


def generate(out: Path, actions: int, seed: int = 7) -> dict:
    """Write the corpus into ``out`` (emptied first); returns a summary (documents, actions, bytes)."""
    rng = random.Random(f"{seed}:{actions}")
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    zoom_count = max(1, actions // 50)
    report_actions = actions - zoom_count
    counts: list[int] = []
    remaining = report_actions
    while remaining > 0:
        n = min(
            remaining, 99, max(1, int(rng.triangular(5, 2 * MEAN_ACTIONS_PER_SECTION - 5, MEAN_ACTIONS_PER_SECTION)))
        )
        counts.append(n)
        remaining -= n
    territories = make_territories(max(12, math.ceil(len(counts) / len(KINDS))), rng)
    orgs = make_organisations(max(40, min(actions // 10, 5000)), territories, rng)
    write_curation(out / "curation", territories, orgs)

    # (kind, territory) pairs: each territory has at most one contract of each kind
    pairs = [(kind, t) for kind in KINDS for t in territories][: len(counts)]
    documents, total_bytes = 0, 0
    by_kind: dict[str, list[tuple[Territory, int]]] = {}
    for (kind, territory), count in zip(pairs, counts):
        by_kind.setdefault(kind, []).append((territory, count))
    for k, kind in enumerate(KINDS):
        sections = by_kind.get(kind, [])
        for g in range(0, len(sections), SECTIONS_PER_REPORT):
            year = FIRST_YEAR + k + g // SECTIONS_PER_REPORT % 4
            doc_id = f"bench-report-{kind.lower()}-{g // SECTIONS_PER_REPORT:04d}"
            text = report_text(kind, year, sections[g : g + SECTIONS_PER_REPORT], orgs, rng)
            total_bytes += _write(
                out, doc_id, "diair-report", text, f"Actions {kind} {year} (synthetic)", f"{year + 1}-07-01"
            )
            documents += 1
    for a in range(0, zoom_count, 20):
        zooms = [(rng.choice(KINDS), rng.choice(territories)) for _ in range(min(20, zoom_count - a))]
        zooms = list({t.id: (k, t) for k, t in zooms}.values())  # one zoom per territory in an article
        year = FIRST_YEAR + 2 + (a // 20) % 4
        text = article_text(zooms, orgs, rng, year)
        total_bytes += _write(
            out,
            f"bench-article-{a // 20:04d}",
            "web-article",
            text,
            f"Les Territoires d'Intégration {year} (synthetic)",
            f"{year}-06-28",
        )
        documents += 1
    summary = {
        "actions_requested": actions,
        "documents": documents,
        "bytes": total_bytes,
        "territories": len(territories),
        "organisations": len(orgs),
        "seed": seed,
    }
    (out / "GENERATED.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def _write(out: Path, doc_id: str, kind: str, text: str, title: str, issued: str) -> int:
    data = text.encode("utf-8")
    name = f"{doc_id}.txt"
    (out / name).write_bytes(data)
    (out / f"{doc_id}.toml").write_text(
        _manifest(doc_id, kind, name, title, issued, hashlib.sha256(data).hexdigest()), encoding="utf-8"
    )
    return len(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1000, help="number of actions (e.g. 1000, 10000, 100000)")
    parser.add_argument("--out", type=Path, required=True, help="corpus directory to write (emptied first)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(json.dumps(generate(args.out, args.actions, args.seed), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
