"""The ``ctair`` sub-commands about the corpus and the graph: build, evaluate, curate, serve,
query, queries, who (``ctair network …`` and ``ctair export …`` are in :mod:`.network`).

Modules that take a second or more to import (the web server, spaCy and the extraction
pipeline) are imported by the one command that needs them, so that every other command starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ctair.graph.entities import EntityIndex
from ctair.graph.named_queries import bind, get_query, load_named_queries, select_columns
from ctair.graph.remote_store import is_remote, open_store
from ctair.graph.who import who
from ctair.settings import get_settings

from .network import add_network_commands
from .tables import print_rows


def _store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        default=None,
        help="embedded store directory, or the http(s):// URL of a SPARQL server (default: $CTAIR_STORE or var/store)",
    )
    for name in ("query", "update", "gsp"):  # a remote store's endpoints (default: Oxigraph's /query /update /store)
        parser.add_argument(f"--{name}-url", default=None, help=f"remote store: the SPARQL {name} endpoint URL")


def _store_spec(args) -> str | Path:
    """An http(s):// URL (remote store) or the embedded store's directory."""
    spec = args.store or get_settings().store
    return spec if is_remote(str(spec)) else Path(spec)


def _store_path(args) -> Path:
    return Path(args.store or get_settings().store)


def _remote_urls(args) -> dict:
    return {f"{n}_url": getattr(args, f"{n}_url", None) for n in ("query", "update", "gsp")}


def _open_store(args):
    return open_store(_store_spec(args), read_only=True, **_remote_urls(args))


def cmd_build(args) -> int:
    from ctair.build import build  # the extraction pipeline: slow to import
    from ctair.loaders.pipeline import per_type_table

    settings = get_settings()
    spec = _store_spec(args)
    target = _open_store(args) if isinstance(spec, str) else spec  # a RemoteSparqlStore, or a directory
    try:
        summary = build(target, args.corpus or settings.corpus, settings.base_iri, ner=not args.no_ner)
    except OSError as error:
        if error.filename is None and isinstance(spec, Path):  # the engine's own I/O errors name no file
            raise OSError(error.errno, error.strerror or " ".join(str(error).split()), str(spec)) from error
        raise
    if args.json:
        print(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"store         {summary.store} ({summary.seconds:.1f} s)")
    print(f"triples       {summary.triples}")
    for name in ("territories", "contracts", "actions", "organisations", "people", "unresolvedMentions"):
        print(f"{name:<13} {summary.counts.get(name, 0)}")
    for label, report in (
        ("before overrides", summary.evaluation_before),
        ("after overrides", summary.evaluation_after),
    ):
        if report is not None:
            overall = report.overall
            print(
                f"extraction {label}: precision {overall.precision:.3f}, recall {overall.recall:.3f} "
                f"({overall.true_positives} found, {overall.false_negatives} missing, "
                f"{overall.false_positives} spurious)"
            )
    if summary.evaluation_before is not None:
        print(
            "per fact type (`ctair evaluate --details` lists every miss; "
            "`--unseen` scores the documents written for evaluation):"
        )
        print(per_type_table(summary.evaluation_before, summary.evaluation_after))
    if summary.unresolved:
        print(
            "unresolved organisation mentions (`ctair curate` proposes registry stanzas for them, "
            "with their sentence, file and line):"
        )
        for u in summary.unresolved:
            print(f"  {u.surface!r} in {u.mention.source} at {u.mention.span.start}")
    return 0


def cmd_serve(args) -> int:
    from ctair.api.server import serve  # FastAPI and uvicorn: slow to import

    spec = _store_spec(args)
    if isinstance(spec, Path) and not spec.exists():
        print(f"no store at {spec}: building it first", file=sys.stderr)
        cmd_build(argparse.Namespace(store=spec, corpus=None, no_ner=False, json=False))
    serve(
        spec,
        host=args.host,
        port=args.port,
        allow_update=args.allow_update,
        admin_token=args.admin_token or get_settings().admin_token,
        query_timeout=args.query_timeout,
        **_remote_urls(args),
    )
    return 0


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SystemExit(f"ctair: --param takes name=value, got {pair!r}")
        params[name.strip()] = value
    return params


def cmd_query(args) -> int:
    query = get_query(args.query)
    store = _open_store(args)
    bindings = bind(
        query, _parse_params(args.param), lambda kind, raw, name: EntityIndex(store).resolve_term(kind, raw, name)
    )
    rows = store.select(query.text, bindings)
    print_rows(rows, select_columns(store, query.text, bindings), args.format)
    return 0


def cmd_queries(args) -> int:
    for query in load_named_queries().values():
        params = " ".join(
            f"--param {p.name}=…" + ("" if p.required else f" (default {p.default})") for p in query.parameters
        )
        print(f"{query.name}\n    {query.title}{('  ' + params) if params else ''}")
    return 0


def cmd_who(args) -> int:
    result = who(_open_store(args), args.organisation)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    organisation = result["organisation"]
    aliases = f" (also: {', '.join(organisation['aliases'])})" if organisation["aliases"] else ""
    print(f"{organisation['label']}{aliases} — {organisation['iri']}")
    if organisation.get("network"):
        print(f"member of {organisation['network']['label']} — {organisation['network']['iri']}")
    if organisation.get("members"):
        print("members: " + ", ".join(m["label"] for m in organisation["members"]))
    print(
        f"{len(result['territories'])} territor{'y' if len(result['territories']) == 1 else 'ies'}: "
        + ", ".join(t["label"] for t in result["territories"])
    )
    for action in result["actions"]:
        print(f"  {action['territory']['label']:<18} {action['role']:<12} {action['label']}")
    return 0


def cmd_evaluate(args) -> int:
    from ctair.loaders.corpus import read_corpus  # the extraction pipeline: slow to import
    from ctair.loaders.pipeline import UNSEEN, evaluate_unseen, extract, per_type_table

    settings = get_settings()
    if args.unseen:
        extraction, title = (
            evaluate_unseen(args.corpus or UNSEEN, ner=not args.no_ner),
            "unseen documents (text the rules were not written from)",
        )
    else:
        corpus = Path(args.corpus or settings.corpus)
        extraction, title = extract(read_corpus(corpus), corpus / "curation", ner=not args.no_ner), "bundled corpus"
    before, after = extraction.before, None if args.unseen else extraction.after
    if args.json:
        print(
            json.dumps(
                {
                    "documents": title,
                    "before_overrides": before.to_json(),
                    "after_overrides": after.to_json() if after else None,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"Extraction scored against the hand annotation — {title}")
    for source, score in before.per_document.items():
        print(f"  {source:40} {score}")
    print(per_type_table(before, after))
    if args.details:
        print(before.summary())
    if args.agreement:
        from ctair.loaders.agreement import Adjudication
        from ctair.loaders.errors import InputError

        readings = Path(args.corpus or (UNSEEN if args.unseen else settings.corpus)) / "curation" / "readings"
        if not readings.is_dir():
            raise InputError(readings, "no readings to compare (only the bundled corpus was read three times)")
        print(Adjudication.load(readings).report())
    return 0


def cmd_curate(args) -> int:
    from ctair.loaders import curate  # the extraction pipeline: slow to import
    from ctair.loaders.corpus import read_corpus, read_document
    from ctair.loaders.gazetteer import Gazetteer, GazetteerMissing
    from ctair.loaders.pipeline import default_concepts
    from ctair.loaders.registry import Registry

    corpus = Path(args.corpus or get_settings().corpus)
    curation = Path(args.curation or corpus / "curation")
    proposals_path = Path(args.proposals or curation / "proposals.toml")
    if args.step == "accept":
        done = curate.accept(proposals_path, curation, *args.extra_curation)
        for table, ids in (
            ("territories", done.territories),
            ("organisations", done.organisations),
            ("not_organisations", done.not_organisations),
        ):
            for name in ids:
                print(f"accepted into {curation / (table + '.toml')}: {name}")
        if not (done.territories or done.organisations or done.not_organisations):
            print(f'nothing to accept: no stanza of {proposals_path} has decision = "accept" or "not-organisation"')
        return 0
    documents = [read_document(_manifest_of(d)) for d in args.document] if args.document else read_corpus(corpus)
    registry = Registry.load(curation, *args.extra_curation)
    try:
        gazetteer = Gazetteer.load()
    except GazetteerMissing as error:
        print(f"ctair: warning: {error}; territories are proposed without their codes", file=sys.stderr)
        gazetteer = None
    proposals = curate.collect(documents, registry, gazetteer, concepts=default_concepts(), ner=not args.no_ner)
    added, kept = curate.write_proposals(proposals_path, proposals)
    if args.json:
        print(
            json.dumps(
                {t: [p.stanza for p in proposals.of(t)] for t in ("territories", "organisations", "duplicates")},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for title, table in (
        ("territories the registry does not know", "territories"),
        ("organisations the registry does not know", "organisations"),
        ("registry entries that look like duplicates", "duplicates"),
    ):
        items = proposals.of(table)
        print(f"{title}: {len(items)}")
        for p in items:
            s = p.stanza
            if table == "duplicates":
                print(f"  {' / '.join(s['ids'])}: {s['why']}")
                continue
            label = s.get("label") or s.get("name")
            extra = f" [{s['ner_label']}] kind {s['kind']}" if table == "organisations" else f" kind {s['kind']}"
            print(f"  {label!r}{extra} — {s['found_in']}")
            print(f"      {s['sentence'][:160]}")
            for line in ([s["gazetteer"]] if "gazetteer" in s else []) + s.get("similar", []):
                print(f"      → {line}")
    print(
        f'{proposals_path}: {added} new stanza(s), {kept} kept from before. Edit them, set decision = "accept" '
        f'(or "not-organisation"), then run `ctair curate accept`.'
    )
    return 0


def _manifest_of(path: Path) -> Path:
    """A document is named by its manifest or by its text file (the manifest beside it)."""
    return path if path.suffix == ".toml" else path.with_suffix(".toml")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctair", description="Knowledge graph of France's territorial contracts for refugee integration."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("build", help="build the graph from the corpus into the embedded store (atomically)")
    _store_argument(p)
    p.add_argument("--corpus", type=Path, default=None, help="corpus directory (default: the bundled corpus/)")
    p.add_argument("--no-ner", action="store_true", help="skip spaCy NER (faster; unknown names are then not reported)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_build)

    p = commands.add_parser(
        "evaluate", help="precision and recall of the extraction per fact type, against the hand annotation"
    )
    p.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="corpus directory (default: the bundled corpus/, or evaluation/unseen with --unseen)",
    )
    p.add_argument(
        "--unseen", action="store_true", help="score the documents written for evaluation (evaluation/unseen), apart"
    )
    p.add_argument("--no-ner", action="store_true", help="skip spaCy NER (faster)")
    p.add_argument("--details", action="store_true", help="also list every missing and spurious fact")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.add_argument(
        "--agreement",
        action="store_true",
        help="also print how far independent readings of the axes and publics agree (the rules' ceiling)",
    )
    p.set_defaults(func=cmd_evaluate)

    p = commands.add_parser(
        "curate",
        help="propose what the registry lacks (territories, organisations) for review; "
        "`curate accept` moves the accepted ones in",
    )
    p.add_argument(
        "step",
        nargs="?",
        choices=("propose", "accept"),
        default="propose",
        help="propose (default): write the proposals file; accept: move the stanzas marked accept into the registry",
    )
    p.add_argument("--corpus", type=Path, default=None, help="corpus directory (default: the bundled corpus/)")
    p.add_argument(
        "--document",
        type=Path,
        action="append",
        default=[],
        help="only this document (its manifest or text file; repeatable)",
    )
    p.add_argument("--curation", type=Path, default=None, help="the registry directory (default: <corpus>/curation)")
    p.add_argument(
        "--extra-curation",
        type=Path,
        action="append",
        default=[],
        help="a further registry directory it is read with (repeatable)",
    )
    p.add_argument(
        "--proposals", type=Path, default=None, help="the proposals file (default: <curation>/proposals.toml)"
    )
    p.add_argument("--no-ner", action="store_true", help="skip spaCy NER (only rule-found names are proposed)")
    p.add_argument("--json", action="store_true", help="print the proposals as JSON")
    p.set_defaults(func=cmd_curate)

    p = commands.add_parser("serve", help="serve the graph over HTTP (builds it first if the store is missing)")
    _store_argument(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--allow-update", action="store_true", help="accept SPARQL Update from requests bearing the admin token"
    )
    p.add_argument("--admin-token", default=None, help="bearer token for updates (default: $CTAIR_ADMIN_TOKEN)")
    p.add_argument("--query-timeout", type=float, default=None, help="seconds before a query is stopped (default 10)")
    p.set_defaults(func=cmd_serve)

    p = commands.add_parser("query", help="run a named query (see `ctair queries`) or a .rq file")
    _store_argument(p)
    p.add_argument("query", help="a named query or the path of a .rq file")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a parameter value (repeatable)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(func=cmd_query)

    p = commands.add_parser("queries", help="list the named queries and their parameters")
    p.set_defaults(func=cmd_queries)

    p = commands.add_parser("who", help="the territories and actions of an organisation (any spelling)")
    _store_argument(p)
    p.add_argument("organisation")
    p.add_argument("--json", action="store_true", help="print the /api/who JSON shape")
    p.set_defaults(func=cmd_who)

    add_network_commands(commands, _store_argument, _open_store)  # `ctair network …`, `ctair export …`
    return parser
