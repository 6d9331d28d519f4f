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
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ctair.api.routes.queries import named_queries
from ctair.graph.named_queries import NamedQuery, Parameter
from ctair.ontology.vocab import PREFIXES

API_DIR = Path(__file__).resolve().parents[1]
STATIC_DIR = API_DIR / "static"
TEMPLATES = Jinja2Templates(directory=API_DIR / "templates")

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
    "fr": {"organisation": "organisation", "territory": "territoire", "axis": "axe", "string": "texte",
           "integer": "nombre entier", "decimal": "nombre", "iri": "IRI"},
    "en": {"organisation": "organisation", "territory": "territory", "axis": "axis", "string": "text",
           "integer": "integer", "decimal": "number", "iri": "IRI"},
}
SCRIPT_LABELS = ("copied", "copy_link", "tab", "form_apply", "form_run", "required", "field_hint", "missing_required",
                 "permalink_made")
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # YASGUI and DataTables set style attributes
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
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

_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+$")
_ENTITY_TYPES = {
    "organisation": ("d'une organisation", "an organisation"),
    "territory": ("d'un territoire", "a territory"),
    "axis": ("d'un axe", "an axis"),
}


def _body_brace(sparql: str) -> int | None:
    """Offset of the ``{`` that opens the query's WHERE group, skipping comments, strings and IRIs."""
    i, n = 0, len(sparql)
    seen_where = False
    seen_form = False
    while i < n:
        c = sparql[i]
        if c == "#":
            end = sparql.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if c in "\"'":
            quote = c * 3 if sparql.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c == "<":
            match = _IRIREF.match(sparql, i)
            i = match.end() if match else i + 1
            continue
        if c in "?$":  # a variable: its name is not a keyword
            match = _WORD.match(sparql, i + 1)
            i = match.end() if match else i + 1
            continue
        if c.isalpha() or c == "_":
            match = _WORD.match(sparql, i)
            assert match is not None  # a word starts at a letter or "_"
            word = match.group().upper()
            # a prefixed name (rdfs:label) is not a keyword either
            if not sparql.startswith(":", match.end()):
                if word == "WHERE":
                    seen_where = True
                elif word in ("SELECT", "ASK", "DESCRIBE"):
                    seen_form = True
            i = match.end()
            continue
        if c == "{" and (seen_where or seen_form):
            return i
        i += 1
    return None


def _sparql_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def sparql_value(parameter: Parameter) -> str:
    """The default of ``parameter`` as a SPARQL term for a VALUES row (``UNDEF`` when it has none usable)."""
    raw = parameter.default
    if raw is None:
        return "UNDEF"
    raw = raw.strip()
    if parameter.type == "integer":
        return str(int(raw)) if re.fullmatch(r"[+-]?\d+", raw) else "UNDEF"
    if parameter.type == "decimal":
        try:
            number = Decimal(raw)
        except InvalidOperation:
            return "UNDEF"
        text = format(number, "f")
        return text if "." in text else text + ".0"
    if parameter.type == "string":
        return _sparql_string(raw)
    # iri, organisation, territory, axis: only an absolute IRI can be written as a value
    if raw.startswith("<") and raw.endswith(">"):
        raw = raw[1:-1]
    return f"<{raw}>" if _ABSOLUTE_IRI.match(raw) else "UNDEF"


def _parameter_comment(parameter: Parameter, value: str) -> str:
    parts = [f"?{parameter.name} ({parameter.type}{', obligatoire · required' if parameter.required else ''})"]
    if parameter.description:
        parts.append(parameter.description)
    if value == "UNDEF" and parameter.type in _ENTITY_TYPES:
        fr, en = _ENTITY_TYPES[parameter.type]
        parts.append(f"IRI {fr} · IRI of {en}")
        if parameter.default:
            parts.append(f"ex. · e.g. {parameter.default!r}")
    return "  #   " + " — ".join(parts)


def values_block(query: NamedQuery, bound: dict | None = None) -> str:
    """``VALUES (?a ?b) { (1 "x") }`` for the query's parameters, with one comment line each.
    ``bound`` maps parameter names to RDF terms (``named_queries.bind``), written by pyoxigraph."""
    values = [str(bound[p.name]) if bound and p.name in bound else sparql_value(p) for p in query.parameters]
    lines = ["  # Paramètres : modifiez les valeurs · Parameters: edit the values (UNDEF = none)"]
    lines += [_parameter_comment(p, v) for p, v in zip(query.parameters, values)]
    names = " ".join(f"?{p.name}" for p in query.parameters)
    lines.append(f"  VALUES ({names}) {{ ({' '.join(values)}) }}")
    return "\n".join(lines)


_PARAM_LINE = re.compile(r"^#\s*param:.*\n", re.M)


def editor_text(query: NamedQuery, bound: dict | None = None) -> str:
    """The query as the editor shows it: parameters, if any, bound by a VALUES block at the top of WHERE
    (to their defaults, or to the terms of ``bound``).

    The ``# param:`` header lines are dropped then: the VALUES block's comments say the same.
    """
    if not query.parameters:
        return query.text
    text = _PARAM_LINE.sub("", query.text)
    brace = _body_brace(text)
    block = values_block(query, bound)
    if brace is None:  # no WHERE group found: a trailing VALUES clause is still valid SPARQL
        return text.rstrip() + "\n" + block.replace("\n  ", "\n").lstrip() + "\n"
    return text[: brace + 1] + "\n" + block + "\n" + text[brace + 1 :].lstrip("\n")


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


GROUPS_IN_ENGLISH = {"Contrats": "Contracts", "Territoires": "Territories", "Organisations": "Organisations",
                     "Axes": "Axes", "Actions": "Actions"}


def _map_outline() -> dict:
    import math

    from .resources import CORSICA, FRANCE, MAP_BOX, MAP_WIDTH, _project

    cos = math.cos(math.radians(46.5))
    return {
        "width": MAP_WIDTH, "height": _project(MAP_BOX[0], MAP_BOX[2])[1], "box": list(MAP_BOX), "cos": cos,
        "scale": MAP_WIDTH / ((MAP_BOX[1] - MAP_BOX[0]) * cos),
        "france": " ".join(f"{x},{y}" for x, y in (_project(*p) for p in FRANCE)),
        "corsica": " ".join(f"{x},{y}" for x, y in (_project(*p) for p in CORSICA)),
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
        "baseIri": request.app.state.settings.base_iri,
        "bindUrl": "api/queries/",  # + name + "/sparql?…": the form's values, resolved and bound
        "permalinkUrl": "api/permalinks",
        "map": _map_outline(),  # the map view draws on the same tile-free outline as the territory pages
    }


GROUP_ORDER = ("Territoires", "Territories", "Organisations", "Contrats", "Contracts", "Axes", "Actions")


def _grouped(examples: list[dict]) -> list[tuple[str, list[dict]]]:
    """The examples by group, in the order a researcher meets the questions (others last)."""
    groups: dict[str, list[dict]] = {}
    for example in examples:
        groups.setdefault(example["group"], []).append(example)
    rank = {name: i for i, name in enumerate(GROUP_ORDER)}
    return sorted(groups.items(), key=lambda item: rank.get(item[0], len(rank)))


def _static_version() -> str:
    """Changes when a page asset changes, so browsers do not keep a stale script."""
    stamps = [f"{p.name}:{p.stat().st_mtime_ns}" for p in sorted(STATIC_DIR.glob("*.*"))]
    return hashlib.sha256("|".join(stamps).encode()).hexdigest()[:10]


@router.get("/", response_class=HTMLResponse)
def query_page(request: Request, lang: str | None = None) -> HTMLResponse:
    language = _language(request, lang)
    config = page_config(request, language)
    config["labels"] = {key: LABELS[language][key] for key in SCRIPT_LABELS}
    config["labels"]["types"] = PARAMETER_TYPES[language]
    root = request.scope.get("root_path", "").rstrip("/") + "/"
    response = TEMPLATES.TemplateResponse(
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
            "version": _static_version(),
        },
    )
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
