"""ctair benchmarks: extraction, loading, queries, network analysis — each next to a reference.

    .venv/bin/python -m bench.run --sizes 1000,10000 --out bench/results.json [--duration 10] [--clients 8]
    .venv/bin/python -m bench.run latency --out bench/results.json [--reps 9]   # add single-client latencies

The first form is ``bench.run all`` (the default command). ``extract-stage`` and ``network-stage``
are the stages that ``all`` runs each in its own subprocess.

Not a test: it prints a table and writes JSON (and, with ``--plot``, a PNG of cost against size).
Every heavy stage runs in its own subprocess (peak memory is that process's ``ru_maxrss``);
servers run one at a time on 127.0.0.1 and are stopped after their run.

* extraction: documents/s and MB/s of ``ctair.loaders.pipeline.extract`` with and without NER
  (NER only up to ``--ner-max``), peak RSS; reference: the same corpus read and folded only.
* loading: triples/s of the build's emit-and-store stage (``Emitter`` → ``OxigraphStore.replace_graph``,
  graph by graph) vs pyoxigraph's ``bulk_load`` of the same quads from an N-Quads file (the ceiling).
* queries: the named research queries (``queries/*.rq`` not starting with ``_``, representative
  parameters, bound by a VALUES block so every server gets the same text) under ``--clients``
  concurrent clients for ``--duration`` s each: in-process pyoxigraph (threads), ctair ``/sparql``
  (``python -m ctair.cli.server``), ``oxigraph serve-read-only`` on the same directory, and
  rdflib-endpoint (``bench/rdflib_server.py``) on the same quads (up to ``--rdflib-max``).
* network: ``ctair.graph.network`` load + the three networks + metrics, if the module exists.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BASE_IRI = "https://w3id.org/ctair/"
SPARQL_JSON = "application/sparql-results+json"
# a representative value of each named query's parameter (territory: the busiest, found per store)
PARAMETERS = {
    "organisation": "Adoma",
    "operator": "Adoma",
    "first": "Adoma",
    "second": "Coallia",
    "territory": None,
    "axis": "logement",
    "public": "jeunes",
    "min_territories": "2",
}


# --- helpers --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(mem_kb / 2**20, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "loadavg_at_start": os.getloadavg(),
    }


def _subprocess_json(args: list[str], timeout: float = 3600) -> dict:
    done = subprocess.run([PY, "-m", "bench.run", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"bench stage {args[:2]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _maxrss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# --- stage: extraction (+ loading) in a subprocess -------------------------------------------
def stage_extract(corpus: Path, ner: bool, store_dir: Path | None, load_reps: int = 1) -> dict:
    from ctair.loaders.corpus import read_corpus
    from ctair.loaders.pipeline import extract
    from ctair.text import fold

    started = time.perf_counter()
    documents = read_corpus(corpus)
    size = sum(len(d.text.encode()) for d in documents)
    for d in documents:  # the reference pass: read + fold (what every loader does first)
        fold(d.text)
    reference = time.perf_counter() - started
    if ner:  # load spaCy outside the timed part (a one-off cost, reported separately)
        loaded = time.perf_counter()
        from ctair.loaders.ner import nlp

        nlp()
        model_seconds = time.perf_counter() - loaded
    else:
        model_seconds = 0.0
    started = time.perf_counter()
    extraction = extract(documents, corpus / "curation", ner=ner)
    seconds = time.perf_counter() - started
    out = {
        "documents": len(documents),
        "bytes": size,
        "seconds": seconds,
        "reference_seconds": reference,
        "model_load_seconds": model_seconds,
        "actions": sum(len(r.actions) for r in extraction.corrected),
        "participations": sum(len(a.participations) for r in extraction.corrected for a in r.actions),
        "peak_rss_mib": _maxrss_mib(),
    }
    if store_dir is not None:
        runs = [stage_load(extraction, store_dir) for _ in range(max(1, load_reps))]
        out["load"] = dict(
            runs[-1],
            emit_store_seconds=min(r["emit_store_seconds"] for r in runs),
            bulk_load_seconds=min(r["bulk_load_seconds"] for r in runs),
            repetitions=[{k: r[k] for k in ("emit_store_seconds", "bulk_load_seconds")} for r in runs],
        )
    print(json.dumps(out))
    return out


def stage_load(extraction, store_dir: Path) -> dict:
    """The build's emit-and-store stage (``write_graphs``) vs bulk_load of the same quads (N-Quads file)."""
    from pyoxigraph import Quad, RdfFormat, Store, serialize

    from ctair.build import load_ontology, write_graphs
    from ctair.graph.emit import Emitter
    from ctair.graph.iris import IriMinter
    from ctair.graph.store import OxigraphStore
    from ctair.ontology.vocab import ONTOLOGY_FILES

    if store_dir.exists():
        shutil.rmtree(store_dir)
    minter = IriMinter(BASE_IRI)
    store = OxigraphStore(store_dir)
    load_ontology(store, minter)  # not timed (the build loads these files the same way)
    started = time.perf_counter()
    triples = sum(write_graphs(store, minter, extraction).values())
    store.oxigraph.flush()
    emit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    store.optimize()
    optimize_seconds = time.perf_counter() - started

    # the same quads, as N-Quads in a file (not timed), then bulk_load into a fresh store (timed)
    nq = store_dir.parent / f"{store_dir.name}.nq"
    emitter = Emitter(minter, {t.id: t.label for t in extraction.registry.territories.values()})
    with open(nq, "wb") as out:
        quads = [
            Quad(t.subject, t.predicate, t.object, minter.graph("registry"))
            for t in emitter.registry(extraction.registry)
        ]
        serialize(quads, out, format=RdfFormat.N_QUADS)
        for records in extraction.corrected:
            graph = minter.graph(records.source.id)
            serialize(
                [Quad(t.subject, t.predicate, t.object, graph) for t in emitter.document(records)],
                out,
                format=RdfFormat.N_QUADS,
            )
    reference_dir = store_dir.parent / f"{store_dir.name}.bulk"
    shutil.rmtree(reference_dir, ignore_errors=True)
    reference = Store(str(reference_dir))
    started = time.perf_counter()
    reference.bulk_load(path=str(nq), format=RdfFormat.N_QUADS)
    reference.flush()
    bulk_seconds = time.perf_counter() - started
    bulk_quads = len(reference)
    del reference
    shutil.rmtree(reference_dir, ignore_errors=True)
    # the query store also serves rdflib-endpoint: add the ontology graphs to the N-Quads file
    with open(nq, "ab") as out:
        for name in ONTOLOGY_FILES:
            graph = minter.graph(name)
            serialize(
                [Quad(q.subject, q.predicate, q.object, graph) for q in store.quads(graph)],
                out,
                format=RdfFormat.N_QUADS,
            )
    return {
        "triples": triples,
        "quads_in_store": len(store),
        "emit_store_seconds": emit_seconds,
        "optimize_seconds": optimize_seconds,
        "bulk_load_seconds": bulk_seconds,
        "bulk_quads": bulk_quads,
        "nquads_file": str(nq),
        "nquads_bytes": nq.stat().st_size,
    }


# --- queries ----------------------------------------------------------------------------------
def research_queries(store) -> dict[str, dict]:
    """name → {"text": SPARQL with a VALUES block, "bindings": terms} for the in-process runs."""
    from ctair.graph.binding import with_values
    from ctair.graph.entities import EntityIndex
    from ctair.graph.named_queries import bind, load_named_queries

    index = EntityIndex(store)
    territories = index.of_kind("territory")
    busiest = max(
        territories,
        key=lambda t: len(
            store.select(
                "PREFIX ctair: <https://w3id.org/ctair/ontology#> SELECT ?a ?t WHERE { ?a ctair:territory ?t }",
                {"t": t.iri},
            )
        ),
    ).label
    values = dict(PARAMETERS, territory=busiest)
    out = {}
    for name, query in load_named_queries().items():
        bindings = bind(
            query,
            {p.name: values[p.name] for p in query.parameters if p.name in values and p.required},
            lambda kind, raw, parameter: index.resolve_term(kind, raw, parameter),
        )
        out[name] = {"text": with_values(query.text, bindings), "raw": query.text, "bindings": bindings}
    return out


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _summary(latencies: dict[str, list[float]], errors: int, seconds: float) -> dict:
    every = [x for v in latencies.values() for x in v]
    return {
        "requests": len(every),
        "errors": errors,
        "throughput_qps": len(every) / seconds,
        "p50_ms": _percentile(every, 0.5) * 1000,
        "p99_ms": _percentile(every, 0.99) * 1000,
        "per_query_p50_ms": {k: _percentile(v, 0.5) * 1000 for k, v in latencies.items()},
    }


async def _http_load(
    url: str, queries: dict[str, str], extra: dict, clients: int, duration: float, min_requests: int = 0
) -> dict:
    """``clients`` concurrent clients cycling through ``queries`` for ``duration`` s, and beyond it
    until ``min_requests`` responses (answers or errors) came back: a server whose queries take
    longer than the window is then measured on enough requests rather than on one or two."""
    import httpx

    names = list(queries)
    latencies: dict[str, list[float]] = {n: [] for n in names}
    rows: dict[str, int] = {}
    errors = 0
    deadline = time.monotonic() + duration

    def keep_going() -> bool:
        answered = errors + sum(len(v) for v in latencies.values())
        return time.monotonic() < deadline or answered < min_requests

    async def client(k: int, http: httpx.AsyncClient) -> None:
        nonlocal errors
        i = k
        while keep_going():
            name = names[i % len(names)]
            i += 1
            started = time.perf_counter()
            try:
                response = await http.post(url, data={"query": queries[name], **extra}, headers={"Accept": SPARQL_JSON})
                body = response.content
                elapsed = time.perf_counter() - started
            except httpx.HTTPError:
                errors += 1
                continue
            if response.status_code != 200:
                errors += 1
                continue
            latencies[name].append(elapsed)
            if name not in rows:
                rows[name] = len(json.loads(body)["results"]["bindings"])

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=max(600.0 if min_requests else 60.0, duration * 2)) as http:
        started = time.monotonic()
        await asyncio.gather(*(client(k, http) for k in range(clients)))
        seconds = time.monotonic() - started
    result = _summary(latencies, errors, seconds)
    result["rows"] = rows
    return result


def _inprocess_load(store, queries: dict[str, dict], clients: int, duration: float) -> dict:
    names = list(queries)
    latencies: dict[str, list[float]] = {n: [] for n in names}
    rows: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def client(k: int) -> None:
        i = k
        while time.monotonic() < deadline:
            name = names[i % len(names)]
            i += 1
            started = time.perf_counter()
            result = store.select(queries[name]["raw"], queries[name]["bindings"])
            elapsed = time.perf_counter() - started
            with lock:
                latencies[name].append(elapsed)
                rows.setdefault(name, len(result))

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    result = _summary(latencies, 0, time.monotonic() - started)
    result["rows"] = rows
    return result


class Server:
    def __init__(self, command: list[str], url: str, probe: str, env: dict | None = None, startup: float = 600):
        self.command, self.url, self.probe, self.env, self.startup = command, url, probe, env, startup
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        import httpx

        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, **(self.env or {})},
            start_new_session=True,
        )
        deadline = time.monotonic() + self.startup
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[:3]} exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                httpx.get(self.probe, timeout=2)
                return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.command[:3]} did not start within {self.startup} s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def _busy_note() -> str:
    """What else was running on the machine (other python/pytest processes), for the report."""
    try:
        out = subprocess.run(["ps", "-eo", "pcpu,comm,args", "--sort=-pcpu"], capture_output=True, text=True).stdout
    except OSError:
        return ""
    mine = {str(os.getpid())}
    lines = [line for line in out.splitlines()[1:6] if line.strip() and not any(m in line for m in mine)]
    return " | ".join(" ".join(line.split()[:4])[:90] for line in lines)


def bench_queries(store_dir: Path, nq: Path | None, clients: int, duration: float, rdflib: bool) -> dict:
    from ctair.graph.store import OxigraphStore

    store = OxigraphStore(store_dir, read_only=True)
    queries = research_queries(store)
    texts = {n: q["text"] for n, q in queries.items()}
    results = {"queries": {n: q["text"] for n, q in queries.items()}}
    results["in_process"] = _inprocess_load(store, queries, clients, duration)
    results["in_process"]["busy"] = _busy_note()
    del store

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with Server(
        [
            str(Path(PY).with_name("oxigraph")),
            "serve-read-only",
            "--location",
            str(store_dir),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        url,
        f"{url}/query?query=ASK%7B%7D",
    ):
        results["oxigraph"] = asyncio.run(
            _http_load(f"{url}/query", texts, {"union-default-graph": ""}, clients, duration)
        )
        results["oxigraph"]["busy"] = _busy_note()

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    workers = str(os.cpu_count() or 2)
    with Server(
        [
            PY,
            "-m",
            "ctair.cli.server",
            str(store_dir),
            "--port",
            str(port),
            "--workers",
            workers,
            "--log-level",
            "warning",
        ],
        url,
        f"{url}/sparql",
        env={"CTAIR_MAX_QUEUED_QUERIES": str(clients * 4)},
    ):
        asyncio.run(_http_load(f"{url}/sparql", texts, {}, clients, 1.0))  # warm the worker pool
        results["ctair"] = asyncio.run(_http_load(f"{url}/sparql", texts, {}, clients, duration))
        results["ctair"]["workers"] = int(workers)
        results["ctair"]["busy"] = _busy_note()

    if rdflib and nq is not None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        loaded = time.perf_counter()
        with Server([PY, "-m", "bench.rdflib_server", str(nq), str(port)], url, f"{url}/?query=ASK%7B%7D"):
            load_seconds = time.perf_counter() - loaded
            # rdflib answers a handful of requests in the window at 10 000 actions: at least three
            # responses per query keep its throughput (and the ratio to ctair) from being noise.
            results["rdflib_endpoint"] = asyncio.run(
                _http_load(f"{url}/", texts, {}, clients, duration, min_requests=3 * len(texts))
            )
            results["rdflib_endpoint"]["load_seconds"] = load_seconds
    return results


def _sequential(url: str, texts: dict[str, str], extra: dict, reps: int) -> dict:
    """One client, ``reps`` runs of each query after a warm-up: the latency of each query alone."""
    import httpx

    out = {}
    with httpx.Client(timeout=120) as http:
        for name, text in texts.items():
            times = []
            for i in range(reps + 1):
                started = time.perf_counter()
                response = http.post(url, data={"query": text, **extra}, headers={"Accept": SPARQL_JSON})
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    times = None
                    break
                if i:
                    times.append(elapsed)
            out[name] = None if times is None else _percentile(times, 0.5) * 1000
    return out


def bench_latency(store_dir: Path, nq: Path | None, reps: int, rdflib: bool) -> dict:
    """Median latency (ms) of each research query, one client, on each server (None: the server failed it)."""
    from ctair.graph.store import OxigraphStore

    store = OxigraphStore(store_dir, read_only=True)
    queries = research_queries(store)
    texts = {n: q["text"] for n, q in queries.items()}
    results = {"in_process": {}}
    for name, q in queries.items():
        times = []
        for i in range(reps + 1):
            started = time.perf_counter()
            store.select(q["raw"], q["bindings"])
            if i:
                times.append(time.perf_counter() - started)
        results["in_process"][name] = _percentile(times, 0.5) * 1000
    del store
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with Server(
        [
            str(Path(PY).with_name("oxigraph")),
            "serve-read-only",
            "--location",
            str(store_dir),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        url,
        f"{url}/query?query=ASK%7B%7D",
    ):
        results["oxigraph"] = _sequential(f"{url}/query", texts, {"union-default-graph": ""}, reps)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with Server(
        [
            PY,
            "-m",
            "ctair.cli.server",
            str(store_dir),
            "--port",
            str(port),
            "--workers",
            str(os.cpu_count() or 2),
            "--log-level",
            "warning",
        ],
        url,
        f"{url}/sparql",
    ):
        results["ctair"] = _sequential(f"{url}/sparql", texts, {}, reps)
    if rdflib and nq is not None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with Server([PY, "-m", "bench.rdflib_server", str(nq), str(port)], url, f"{url}/?query=ASK%7B%7D"):
            results["rdflib_endpoint"] = _sequential(f"{url}/", texts, {}, max(3, reps // 3))
        # Per query, on the queries both answer: the honest form of "n× rdflib-endpoint", since
        # rdflib serves one query at a time and fails some (their errors return early).
        results["rdflib_over_ctair"] = {
            name: (
                results["rdflib_endpoint"][name] / results["ctair"][name]
                if results["rdflib_endpoint"].get(name) and results["ctair"].get(name)
                else None
            )
            for name in texts
        }
    return results


# --- network ----------------------------------------------------------------------------------
def bench_network(store_dir: Path, progress=None) -> dict:
    """Time each step of ``GET /api/network/metrics`` (what ``metrics_json`` does) separately, the
    organisation projection's metrics last, printing the figures so far after each step: a run
    stopped at its time limit still tells how far it got and what each finished step cost."""
    try:
        from ctair.graph import network
        from ctair.graph.network_metrics import graph_metrics
    except ImportError as error:
        return {"skipped": f"ctair.graph.network not importable: {error}"}
    from ctair.graph.store import OxigraphStore

    store = OxigraphStore(store_dir, read_only=True)
    out: dict = {"seconds": {}, "nodes": {}, "edges": {}}

    def timed(step: str, work):
        started = time.perf_counter()
        result = work()
        out["seconds"][step] = time.perf_counter() - started
        out["total_seconds"] = sum(out["seconds"].values())
        if progress is not None:
            progress(out)
        return result

    data = timed("load", lambda: network.load_network_data(store))
    bipartite = timed("bipartite", lambda: network.bipartite_network(data))
    territories = timed("territory projection", lambda: network.territory_network(bipartite))
    organisations = timed("organisation projection", lambda: network.organisation_network(bipartite))
    for name, graph in (("bipartite", bipartite), ("territories", territories), ("organisations", organisations)):
        out["nodes"][name], out["edges"][name] = graph.number_of_nodes(), graph.number_of_edges()
    for name, graph in (("bipartite", bipartite), ("territories", territories), ("organisations", organisations)):
        timed(f"{name} metrics", lambda: graph_metrics(graph))
    return out


def _network_stage(store_dir: Path, timeout: float) -> dict:
    """The network stage in a subprocess; past ``timeout`` it is stopped and the steps it finished are kept."""
    try:
        return _subprocess_json(["network-stage", str(store_dir)], timeout=timeout)
    except subprocess.TimeoutExpired as stopped:
        lines = (stopped.stdout or b"").decode() if isinstance(stopped.stdout, bytes) else (stopped.stdout or "")
        partial = json.loads(lines.strip().splitlines()[-1]) if lines.strip() else {"seconds": {}}
        partial["stopped"] = (
            f"did not finish within {timeout:g} s (stopped after {', '.join(partial['seconds']) or 'nothing'})"
        )
        return partial


# --- driver -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BenchConfig:
    """What a benchmark run measures, and where it writes (the options of ``bench.run all``)."""

    sizes: tuple[int, ...] = (1000, 10000)  # numbers of actions
    work: Path = ROOT / "var" / "bench"  # where corpora and stores are written
    out: Path | None = ROOT / "bench" / "results.json"
    clients: int = 8
    duration: float = 10.0  # seconds of load per server and size
    ner_max: int = 10000  # largest size extracted with NER too
    rdflib_max: int = 10000  # largest size served by rdflib-endpoint
    seed: int = 7
    network_timeout: float = 600  # seconds before the network stage is stopped
    resume: bool = False  # keep the sizes already in ``out``, run only the others
    load_reps: int = 1  # repetitions of the loading measurement (min kept)
    reps: int = 9  # single-client repetitions per query
    latency_max: int = 10000  # largest size whose single-client latencies are measured


def run(config: BenchConfig) -> dict:
    from bench.generate import generate

    sizes, work, clients, duration, out, load_reps = (
        config.sizes,
        config.work,
        config.clients,
        config.duration,
        config.out,
        config.load_reps,
    )
    report = {
        "machine": machine(),
        "command": " ".join(sys.argv),
        "clients": clients,
        "duration_s": duration,
        "sizes": {},
    }
    if config.resume and out is not None and out.is_file():  # keep the sizes already measured
        previous = json.loads(out.read_text(encoding="utf-8"))
        report["sizes"] = previous.get("sizes", {})
        report["previous_runs"] = previous.get("previous_runs", []) + [
            {k: previous.get(k) for k in ("command", "machine", "loadavg_at_end")}
        ]
    for size in sizes:
        if str(size) in report["sizes"]:
            continue
        print(f"[bench] size {size}: generating", file=sys.stderr, flush=True)
        corpus = work / f"corpus-{size}"
        generated = generate(corpus, size, config.seed)
        entry = {"generated": generated}
        store_dir = work / f"store-{size}"
        print(f"[bench] size {size}: extraction without NER + loading", file=sys.stderr, flush=True)
        entry["extract_no_ner"] = _subprocess_json(
            ["extract-stage", str(corpus), "--store-dir", str(store_dir), "--load-reps", str(load_reps)]
        )
        entry["load"] = entry["extract_no_ner"].pop("load")
        if size <= config.ner_max:
            print(f"[bench] size {size}: extraction with NER", file=sys.stderr, flush=True)
            entry["extract_ner"] = _subprocess_json(["extract-stage", str(corpus), "--ner"])
        print(f"[bench] size {size}: network", file=sys.stderr, flush=True)
        entry["network"] = _network_stage(store_dir, config.network_timeout)
        print(
            f"[bench] size {size}: queries ({clients} clients, {duration:g} s per server)", file=sys.stderr, flush=True
        )
        entry["queries"] = bench_queries(
            store_dir, Path(entry["load"]["nquads_file"]), clients, duration, size <= config.rdflib_max
        )
        if size <= config.latency_max:
            print(f"[bench] size {size}: single-client latency", file=sys.stderr, flush=True)
            entry["latency_ms"] = bench_latency(
                store_dir, Path(entry["load"]["nquads_file"]), config.reps, size <= config.rdflib_max
            )
        report["sizes"][str(size)] = entry
        if out is not None:  # partial results survive an interrupted run
            out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    report["loadavg_at_end"] = os.getloadavg()
    return report


def table(report: dict) -> str:
    rows = []
    for size, e in report["sizes"].items():
        x, load, q = e["extract_no_ner"], e["load"], e["queries"]
        mb = x["bytes"] / 1e6
        rows.append(
            (
                size,
                "extraction, no NER",
                f"{x['documents'] / x['seconds']:.1f} doc/s, {mb / x['seconds']:.2f} MB/s, peak {x['peak_rss_mib']:.0f} MiB",
                f"read+fold {mb / x['reference_seconds']:.1f} MB/s",
                f"{x['reference_seconds'] / x['seconds']:.3f}",
            )
        )
        if "extract_ner" in e:
            n = e["extract_ner"]
            rows.append(
                (
                    size,
                    "extraction, NER",
                    f"{n['documents'] / n['seconds']:.1f} doc/s, {mb / n['seconds']:.3f} MB/s, peak {n['peak_rss_mib']:.0f} MiB",
                    f"no NER {mb / x['seconds']:.2f} MB/s",
                    f"{x['seconds'] / n['seconds']:.3f}",
                )
            )
        emit_rate = load["bulk_quads"] / load["emit_store_seconds"]  # distinct triples, the same numerator as bulk_load
        bulk_rate = load["bulk_quads"] / load["bulk_load_seconds"]
        rows.append(
            (
                size,
                "loading (emit+store)",
                f"{emit_rate:,.0f} triples/s ({load['triples']:,} triples)",
                f"bulk_load {bulk_rate:,.0f} /s",
                f"{emit_rate / bulk_rate:.2f}",
            )
        )
        ox = q["oxigraph"]
        for name in ("in_process", "ctair", "oxigraph", "rdflib_endpoint"):
            if name not in q:
                continue
            r = q[name]
            rows.append(
                (
                    size,
                    f"queries: {name}",
                    f"{r['throughput_qps']:.1f} q/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms"
                    + (f", {r['errors']} errors" if r.get("errors") else ""),
                    "oxigraph serve",
                    f"{r['throughput_qps'] / ox['throughput_qps']:.2f}× q/s, p99 {r['p99_ms'] / ox['p99_ms']:.2f}×",
                )
            )
        if "rdflib_endpoint" in q:
            rows.append(
                (
                    size,
                    "queries: ctair vs rdflib",
                    "",
                    "rdflib-endpoint",
                    f"{q['ctair']['throughput_qps'] / max(q['rdflib_endpoint']['throughput_qps'], 1e-9):.1f}× q/s",
                )
            )
        lat = e.get("latency_ms")
        if lat:

            def total(server):
                values = [v for v in lat.get(server, {}).values() if v is not None]
                return sum(values), len(values)

            ref, n_ref = total("oxigraph")
            for server in ("in_process", "ctair", "rdflib_endpoint"):
                if server in lat:
                    common = [k for k, v in lat[server].items() if v is not None and lat["oxigraph"].get(k) is not None]
                    mine = sum(lat[server][k] for k in common)
                    theirs = sum(lat["oxigraph"][k] for k in common)
                    rows.append(
                        (
                            size,
                            f"1 client: {server}",
                            f"sum of medians {mine:.1f} ms over {len(common)}/{len(lat[server])} queries",
                            f"oxigraph serve {theirs:.1f} ms",
                            f"{mine / theirs:.2f}× latency",
                        )
                    )
            for name, ratio in (lat.get("rdflib_over_ctair") or {}).items():
                rows.append(
                    (
                        size,
                        f"1 client: ctair vs rdflib, {name}",
                        f"{lat['ctair'][name]:.0f} ms" if lat["ctair"].get(name) else "failed",
                        f"rdflib-endpoint {lat['rdflib_endpoint'][name]:.0f} ms"
                        if lat["rdflib_endpoint"].get(name)
                        else "rdflib-endpoint failed",
                        f"{ratio:.1f}× faster" if ratio else "—",
                    )
                )
        net = e["network"]
        steps = net.get("seconds") or {}
        if steps:
            links = ", ".join(f"{name} {net['edges'][name]:,}" for name in net.get("edges", {}))
            rows.append(
                (
                    size,
                    "network (links: " + (links or "not built") + ")",
                    ("STOPPED " if "stopped" in net else "")
                    + f"{net['total_seconds']:.1f} s: "
                    + ", ".join(f"{step} {sec:.1f}" for step, sec in steps.items()),
                    "load = SPARQL reading the facts",
                    f"{steps['load'] / net['total_seconds']:.2f} of it is load",
                )
            )
        else:
            rows.append((size, "network", net.get("skipped") or net.get("stopped", "?"), "", ""))
    header = ("size", "stage", "ctair", "reference", "ratio")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(5)]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines)


def plot(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [int(s) for s in report["sizes"]]
    entries = [report["sizes"][str(s)] for s in sizes]
    series = {
        "extraction, no NER (s)": [e["extract_no_ner"]["seconds"] for e in entries],
        "emit+store (s)": [e["load"]["emit_store_seconds"] for e in entries],
        "bulk_load reference (s)": [e["load"]["bulk_load_seconds"] for e in entries],
        "network load+analysis (s)": [
            e["network"].get("total_seconds", float("nan")) if "stopped" not in e["network"] else float("nan")
            for e in entries
        ],
        "ctair /sparql p50, 8 clients (s)": [e["queries"]["ctair"]["p50_ms"] / 1000 for e in entries],
        "oxigraph serve p50, 8 clients (s)": [e["queries"]["oxigraph"]["p50_ms"] / 1000 for e in entries],
    }
    for server, label in (
        ("ctair", "ctair /sparql, 1 client, Σ query medians (s)"),
        ("oxigraph", "oxigraph serve, 1 client, Σ query medians (s)"),
    ):
        values = [
            sum(v for v in e.get("latency_ms", {}).get(server, {}).values() if v is not None) / 1000
            if e.get("latency_ms")
            else float("nan")
            for e in entries
        ]
        if any(v == v for v in values):
            series[label] = values
    ner = [e.get("extract_ner", {}).get("seconds", float("nan")) for e in entries]
    if any(v == v for v in ner):
        series["extraction, NER (s)"] = ner
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    for label, values in series.items():
        ax.plot(sizes, values, marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("actions in the synthetic corpus")
    ax.set_ylabel("seconds (log)")
    ax.set_title("ctair: cost against corpus size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def add_latencies(config: BenchConfig) -> dict:
    """Single-client latencies (per query, median of ``reps``) added to the results file ``out``,
    on the stores of ``work`` (a previous ``all`` run's); with ``load_reps`` > 1 the loading is
    measured again too."""
    report = json.loads(config.out.read_text(encoding="utf-8"))
    for size, entry in report["sizes"].items():
        if int(size) > config.latency_max:
            continue
        if config.load_reps > 1:
            print(f"[bench] size {size}: loading, {config.load_reps} repetitions", file=sys.stderr, flush=True)
            again = _subprocess_json(
                [
                    "extract-stage",
                    str(config.work / f"corpus-{size}"),
                    "--store-dir",
                    str(config.work / f"store-{size}"),
                    "--load-reps",
                    str(config.load_reps),
                ]
            )
            entry["load_first_run"] = entry["load"]
            entry["load"] = again["load"]
        print(f"[bench] size {size}: single-client latency", file=sys.stderr, flush=True)
        entry["latency_ms"] = bench_latency(
            config.work / f"store-{size}",
            Path(entry["load"]["nquads_file"]),
            config.reps,
            int(size) <= config.rdflib_max,
        )
    report["latency_command"] = " ".join(sys.argv)
    return report


COMMANDS = ("all", "latency", "extract-stage", "network-stage")


def make_parser() -> argparse.ArgumentParser:
    defaults = BenchConfig()
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--out", type=Path, default=defaults.out, help="the results file (JSON)")
    where.add_argument("--work", type=Path, default=defaults.work, help="where corpora and stores are written")
    where.add_argument(
        "--rdflib-max", type=int, default=defaults.rdflib_max, help="largest size served by rdflib-endpoint"
    )
    where.add_argument("--reps", type=int, default=defaults.reps, help="single-client repetitions per query")
    where.add_argument(
        "--latency-max",
        type=int,
        default=defaults.latency_max,
        help="largest size whose single-client latencies are measured",
    )
    where.add_argument(
        "--load-reps", type=int, default=defaults.load_reps, help="repetitions of the loading measurement (min kept)"
    )

    p = commands.add_parser("all", parents=[where], help="generate each size and measure every stage (the default)")
    p.add_argument("--sizes", default=",".join(map(str, defaults.sizes)), help="comma-separated numbers of actions")
    p.add_argument("--clients", type=int, default=defaults.clients)
    p.add_argument("--duration", type=float, default=defaults.duration, help="seconds of load per server and size")
    p.add_argument("--ner-max", type=int, default=defaults.ner_max, help="largest size extracted with NER too")
    p.add_argument("--seed", type=int, default=defaults.seed)
    p.add_argument("--plot", type=Path, default=None, help="write a PNG of cost against size")
    p.add_argument(
        "--network-timeout",
        type=float,
        default=defaults.network_timeout,
        help="seconds before the network stage is stopped",
    )
    p.add_argument("--resume", action="store_true", help="keep the sizes already in --out, run only the others")

    commands.add_parser(
        "latency",
        parents=[where],
        help="only add single-client latencies to --out, on the stores of --work (a previous run's)",
    )

    p = commands.add_parser(
        "extract-stage", help="one extraction (and loading) measurement, as JSON (run by `all` in a subprocess)"
    )
    p.add_argument("corpus", type=Path)
    p.add_argument("--store-dir", type=Path, default=None, help="also measure loading into this store")
    p.add_argument("--ner", action="store_true")
    p.add_argument("--load-reps", type=int, default=1)

    p = commands.add_parser(
        "network-stage", help="the network analysis step by step, as JSON lines (run by `all` in a subprocess)"
    )
    p.add_argument("store", type=Path)
    return parser


def config_of(args: argparse.Namespace) -> BenchConfig:
    given = {name: getattr(args, name) for name in BenchConfig.__dataclass_fields__ if hasattr(args, name)}
    if "sizes" in given:
        given["sizes"] = tuple(int(s) for s in given["sizes"].split(",") if s.strip())
    return BenchConfig(**given)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help"):
        argv.insert(0, "all")  # `python -m bench.run --sizes …`, as the README runs it
    args = make_parser().parse_args(argv)
    if args.command == "network-stage":
        print(json.dumps(bench_network(args.store, progress=lambda so_far: print(json.dumps(so_far), flush=True))))
        return 0
    if args.command == "extract-stage":
        stage_extract(args.corpus, args.ner, args.store_dir, args.load_reps)
        return 0
    config = config_of(args)
    if args.command == "latency":
        report = add_latencies(config)
    else:
        config.work.mkdir(parents=True, exist_ok=True)
        config.out.parent.mkdir(parents=True, exist_ok=True)
        report = run(config)
    report["table"] = table(report)
    config.out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    if getattr(args, "plot", None):
        plot(report, args.plot)
    print(report["table"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
