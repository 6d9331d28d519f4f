"""``/``: the query page for people — a SPARQL editor (YASGUI, vendored under
``api/static/vendor/yasgui``) on the app's own ``/sparql``, with the named queries as ready
examples.

Nothing on the page is fetched from another host: the editor, its styles and icons are
served from ``/static``, prefix completion uses ``ctair.ontology.vocab.PREFIXES`` (injected in
the page) plus the list bundled in YASGUI, and the response carries a Content-Security-Policy
that lets the browser talk to this origin only.
"""

from __future__ import annotations

import hashlib
import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ctair.api import france_map
from ctair.api.editor_text import editor_text
from ctair.api.html import html_response, static_version
from ctair.api.routes.queries import named_queries
from ctair.api.state import app_state
from ctair.graph.named_queries import NamedQuery
from ctair.ontology.vocab import PREFIXES

router = APIRouter(include_in_schema=False)

LANGUAGES = ("fr", "en")
LABELS = {
    "fr": {
        "title": "ctair — interroger le graphe",
        "tagline": "Graphe de connaissances ouvert des contrats territoriaux d'accueil et d'intégration des réfugiés.",
        "skip": "Aller à l'éditeur",
        "examples": "Requêtes prêtes",
        "examples_help": "Ouvrez une requête dans l'éditeur, puis exécutez-la (▶ ou Ctrl+Entrée).",
        "no_examples": "Aucune requête nommée pour l'instant.",
        "parameter": "paramètre",
        "parameters": "paramètres",
        "tab": "Requête",
        "editor": "Éditeur SPARQL",
        "endpoint": "Point d'accès :",
        "download": "Télécharger",
        "download_csv": "Télécharger les résultats en CSV",
        "download_json": "Télécharger la réponse (JSON)",
        "copy_link": "Copier le lien",
        "copied": "Lien copié",
        "noscript": "L'éditeur a besoin de JavaScript. Le point d'accès SPARQL reste utilisable directement :",
        "catalogue": "Catalogue des requêtes (JSON)",
        "licence": "Données : Licence Ouverte 2.0 · Code : MIT",
        "switch": "English",
        "switch_title": "Read this page in English",
        "filter": "Filtrer les requêtes",
        "filter_placeholder": "territoire, axe, partenaires…",
        "form_title": "Paramètres",
        "form_apply": "Écrire la requête",
        "form_run": "Exécuter",
        "required": "obligatoire",
        "field_hint": "un nom, un identifiant ou une IRI",
        "missing_required": "Paramètre obligatoire non renseigné :",
        "code": "Code (curl, Python, R)",
        "permalink": "Lien court",
        "permalink_made": "Lien court copié",
        "nav_label": "Navigation principale",
    },
    "en": {
        "title": "ctair — query the graph",
        "tagline": "Open knowledge graph of France's territorial contracts for the reception and integration of "
        "refugees.",
        "skip": "Skip to the editor",
        "examples": "Ready-made queries",
        "examples_help": "Open a query in the editor, then run it (▶ or Ctrl+Enter).",
        "no_examples": "No named queries yet.",
        "parameter": "parameter",
        "parameters": "parameters",
        "tab": "Query",
        "editor": "SPARQL editor",
        "endpoint": "Endpoint:",
        "download": "Download",
        "download_csv": "Download the results as CSV",
        "download_json": "Download the response (JSON)",
        "copy_link": "Copy link",
        "copied": "Link copied",
        "noscript": "The editor needs JavaScript. The SPARQL endpoint can still be used directly:",
        "catalogue": "Query catalogue (JSON)",
        "licence": "Data: Licence Ouverte 2.0 · Code: MIT",
        "switch": "Français",
        "switch_title": "Lire cette page en français",
        "filter": "Filter the queries",
        "filter_placeholder": "territory, axis, partners…",
        "form_title": "Parameters",
        "form_apply": "Write the query",
        "form_run": "Run",
        "required": "required",
        "field_hint": "a name, an id or an IRI",
        "missing_required": "Required parameter not given:",
        "code": "Code (curl, Python, R)",
        "permalink": "Short link",
        "permalink_made": "Short link copied",
        "nav_label": "Main navigation",
    },
}
PARAMETER_TYPES = {
    "fr": {
        "organisation": "organisation",
        "territory": "territoire",
        "axis": "axe",
        "string": "texte",
        "integer": "nombre entier",
        "decimal": "nombre",
        "iri": "IRI",
    },
    "en": {
        "organisation": "organisation",
        "territory": "territory",
        "axis": "axis",
        "string": "text",
        "integer": "integer",
        "decimal": "number",
        "iri": "IRI",
    },
}
SCRIPT_LABELS = (
    "copied",
    "copy_link",
    "tab",
    "form_apply",
    "form_run",
    "required",
    "field_hint",
    "missing_required",
    "permalink_made",
)
DEFAULT_QUERY = """\
PREFIX ctair: <https://w3id.org/ctair/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Tout ce qui a un libellé · Everything that has a label
SELECT ?thing ?label WHERE {
  ?thing rdfs:label ?label .
}
ORDER BY ?label
LIMIT 100
"""

# ----------------------------------------------------------------------------------------
# Named query -> editor text: parameters become a VALUES block the user can edit.
# ----------------------------------------------------------------------------------------

# ----------------------------------------------------------------------------------------
# The page
# ----------------------------------------------------------------------------------------


def _language(request: Request, lang: str | None) -> str:
    if lang in LANGUAGES:
        return lang
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "fr"


def _prefixes() -> dict[str, str]:
    return {prefix: namespace.iri for prefix, namespace in PREFIXES.items()}


GROUPS_IN_ENGLISH = {
    "Contrats": "Contracts",
    "Territoires": "Territories",
    "Organisations": "Organisations",
    "Axes": "Axes",
    "Actions": "Actions",
}


def _example(query: NamedQuery, language: str) -> dict:
    title, description = query.localised(language)
    group = query.group if language == "fr" else GROUPS_IN_ENGLISH.get(query.group, query.group)
    return {
        "name": query.name,
        "title": title,
        "description": description,
        "group": group or ("Autres" if language == "fr" else "Other"),
        "sparql": editor_text(query),
        "parameters": [p.name for p in query.parameters],
        "fields": [
            {"name": p.name, "type": p.type, "required": p.required, "default": p.default, "description": p.description}
            for p in query.parameters
        ],
    }


def page_config(request: Request, language: str = "fr") -> dict:
    prefixes = _prefixes()
    examples = [_example(query, language) for query in named_queries(request).values()]
    return {
        "endpoint": "sparql",  # resolved against the page's URL by the script: the app's own /sparql
        "method": "POST",
        "prefixes": prefixes,
        "prefixesVersion": hashlib.sha256(json.dumps(prefixes, sort_keys=True).encode()).hexdigest()[:12],
        "defaultQuery": DEFAULT_QUERY,
        "examples": examples,
        # IRIs of this dataset open the local page (/id/… answers 303 to /doc/…), not w3id.org
        "baseIri": app_state(request).settings.base_iri,
        "bindUrl": "api/queries/",  # + name + "/sparql?…": the form's values, resolved and bound
        "permalinkUrl": "api/permalinks",
        "map": france_map.outline(),  # the map view draws on the same tile-free outline as the territory pages
    }


GROUP_ORDER = ("Territoires", "Territories", "Organisations", "Contrats", "Contracts", "Axes", "Actions")


def _grouped(examples: list[dict]) -> list[tuple[str, list[dict]]]:
    """The examples by group, in the order a researcher meets the questions (others last)."""
    groups: dict[str, list[dict]] = {}
    for example in examples:
        groups.setdefault(example["group"], []).append(example)
    rank = {name: i for i, name in enumerate(GROUP_ORDER)}
    return sorted(groups.items(), key=lambda item: rank.get(item[0], len(rank)))


@router.get("/", response_class=HTMLResponse)
def query_page(request: Request, lang: str | None = None) -> HTMLResponse:
    language = _language(request, lang)
    config = page_config(request, language)
    config["labels"] = {key: LABELS[language][key] for key in SCRIPT_LABELS}
    config["labels"]["types"] = PARAMETER_TYPES[language]
    root = request.scope.get("root_path", "").rstrip("/") + "/"  # the page's links are relative to it
    return html_response(
        request,
        "query.html",
        {
            "lang": language,
            "t": LABELS[language],
            "other_lang": "en" if language == "fr" else "fr",
            "root": root,
            "config": config,
            "examples": config["examples"],
            "groups": _grouped(config["examples"]),
            "version": static_version(),
        },
        scripts=True,
        inline_styles=True,  # YASGUI and DataTables set style attributes
    )
