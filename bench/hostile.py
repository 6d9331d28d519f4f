"""Hostile traffic against a real ctair server on loopback (issue #12), with the figures printed.

    .venv/bin/python -m bench.hostile [--seconds 10] [--runaway-seconds 25] [--timeout 10] [--json FILE]

Starts ``python -m ctair.cli.server`` on 127.0.0.1 over a small store (the endpoint tests' one:
3,000 triples, so that a three-way cross join is a runaway), then:

1. **load**: 8 keep-alive clients ask a cheap query for ``--seconds``: throughput, p50, p99;
2. **load + 2 runaway streams**: the same, while two other clients (other loopback addresses)
   each send a runaway query again as soon as the previous one is answered, for
   ``--runaway-seconds`` (longer than the query timeout, so each runaway meets its deadline);
   also how long each runaway held a core (CPU seconds of its worker, and the wall time until
   its 503);
3. **single hostile requests** (the attacks of the issue, one at a time), each while a probe
   client keeps asking the cheap query: the answer and its time, and the worst latency the
   probe saw meanwhile;
4. the lexer's own time on a query at the length limit (in this process).

Everything goes to loopback only, bounded in count and time. Goals (issue #12): 0 × 5xx, no
other client above 100 ms during any single hostile request, cheap p99 under 100 ms during two
runaway streams.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.api.sparql.conftest import EX, build_store  # noqa: E402
from tests.serving import running_server  # noqa: E402

CHEAP = f"ASK {{ <{EX}a> <{EX}p> 'a1' }}"
RUNAWAY = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{EX}v> ?x . ?b <{EX}v> ?y . ?c <{EX}v> ?z }}"
SPARQL_QUERY = {"Content-Type": "application/sparql-query"}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


class CheapLoad:
    """``clients`` keep-alive clients asking the cheap query in a loop until stopped."""

    def __init__(self, base: str, clients: int):
        self.base, self.clients = base, clients
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as client:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    status = client.get("/sparql", params={"query": CHEAP}).status_code
                except httpx.HTTPError:
                    status = 0
                self.latencies.append(time.perf_counter() - started)
                self.statuses[status] += 1

    def __enter__(self) -> CheapLoad:
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)
        self.elapsed = time.perf_counter() - self.started

    def figures(self) -> dict:
        return {
            "requests": len(self.latencies),
            "per_second": round(len(self.latencies) / self.elapsed, 1),
            "p50_ms": round(percentile(self.latencies, 0.5) * 1000, 1),
            "p99_ms": round(percentile(self.latencies, 0.99) * 1000, 1),
            "max_ms": round(max(self.latencies, default=0) * 1000, 1),
            "statuses": dict(self.statuses),
        }


class WorkerCpu:
    """Samples the server's worker processes: CPU seconds of those that ran a slow query."""

    def __init__(self, server_pid: int):
        self.server = psutil.Process(server_pid)
        self.cpu: dict[int, float] = {}
        self.slow: set[int] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            for child in self.server.children():
                try:
                    self.cpu[child.pid] = sum(child.cpu_times()[:2])
                    if child.nice() > 0:
                        self.slow.add(child.pid)
                except psutil.Error:
                    pass
            time.sleep(0.1)

    def __enter__(self) -> WorkerCpu:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(5)


def runaway_stream(base: str, address: str, stop: threading.Event, answers: list[tuple[int, str, float]]) -> None:
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=base, timeout=120, transport=transport) as client:
        while not stop.is_set():
            started = time.perf_counter()
            response = client.get("/sparql", params={"query": RUNAWAY})
            code = response.json().get("error", {}).get("code", "") if response.status_code >= 400 else ""
            answers.append((response.status_code, code, time.perf_counter() - started))


def hostile_requests(base: str, max_length: int) -> list[tuple[str, callable]]:
    """(name, action) for each single hostile request of the issue; action() -> (status, code)."""

    def post(text: str):
        def action():
            response = httpx.post(base + "/sparql", content=text.encode(), headers=SPARQL_QUERY, timeout=300)
            return response.status_code, _code(response)

        return action

    def get(path: str, headers: dict | None = None):
        def action():
            response = httpx.get(base + path, headers=headers or {}, timeout=60)
            return response.status_code, _code(response) or response.headers.get("location", "")

        return action

    def head(path: str):
        def action():
            response = httpx.head(base + path, timeout=60)
            return response.status_code, ""

        return action

    limit_filler = "é" * (max_length - 10)
    return [
        ("60 kB query: ASK{} + 30,000 × é", post("ASK{}" + "é" * 30_000)),
        (f"at the length limit: ASK{{}} + {len(limit_filler):,} × é", post("ASK{}" + limit_filler)),
        ("at the length limit: 'éa' × 50,000", post("ASK{}" + "éa" * ((max_length - 10) // 2))),
        ('unterminated string + 50,000 × \\"', post('ASK{ "' + '\\"' * ((max_length - 10) // 2) + "}")),
        ("{ × 3,000 }", post("SELECT * WHERE " + "{" * 3000 + "}" * 3000)),
        ("( × 10,000 )", post("SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }")),
        ("8,000 OPTIONALs", post("SELECT * WHERE { " + "OPTIONAL{}" * 8000 + "}")),
        ("3,000 sub-selects", post("SELECT * WHERE " + "{SELECT * WHERE " * 3000 + "{}" + "}" * 3000)),
        ("30,000 × !", post("SELECT * WHERE { FILTER(" + "!" * 30_000 + "true) }")),
        ("10,000 UNIONs", post("SELECT * WHERE { {} " + "UNION{}" * 10_000 + "}")),
        ("/doc/id/territory/a%20b", get("/doc/id/territory/a%20b")),
        ("/id/territory/%3C", get("/id/territory/%3C")),
        ("/doc/id/%FF", get("/doc/id/%FF")),
        ("/id/..%5c..%5cetc%5cpasswd", get("/id/..%5c..%5cetc%5cpasswd")),
        ("Host: evil.example on /sparql", get("/sparql", {"Host": "evil.example", "Accept": "text/turtle"})),
        ("HEAD /api/axes", head("/api/axes")),
        ("HEAD /sparql", head("/sparql")),
    ]


def _code(response: httpx.Response) -> str:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return ""


def during(base: str, action) -> tuple[tuple[int, str], float, float]:
    """Run ``action`` while a probe client asks the cheap query: (result, seconds, worst probe latency)."""
    with CheapLoad(base, 1) as probe:
        time.sleep(0.2)
        started = time.perf_counter()
        result = action()
        elapsed = time.perf_counter() - started
        time.sleep(0.2)
    return result, elapsed, max(probe.latencies, default=0.0), probe.statuses


def lexer_time(max_length: int) -> dict:
    from ctair.api.sparql import _checked_tokens
    from ctair.errors import CtairError

    figures = {}
    for name, text in {
        "ASK{} + é × limit": "ASK{}" + "é" * (max_length - 5),
        "'éa' × limit/2": "éa" * (max_length // 2),
        "'a ' × limit/2 (50k tokens, the worst case)": "a " * (max_length // 2),
        "'{' × limit (refused at depth 200)": "{" * max_length,
    }.items():
        started = time.perf_counter()
        for _ in range(5):
            try:
                _checked_tokens(text, "query", 200)
            except CtairError:  # refused: too deep, an unclosed string
                pass
        figures[name] = round((time.perf_counter() - started) / 5 * 1000, 1)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="duration of the plain load")
    parser.add_argument("--runaway-seconds", type=float, default=25, help="duration of load + 2 runaway streams")
    parser.add_argument("--timeout", type=float, default=10, help="the server's query timeout")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    max_length = 100_000
    report: dict = {"lexer_ms_at_length_limit": lexer_time(max_length)}
    with tempfile.TemporaryDirectory(prefix="ctair-hostile-") as tmp:
        store = build_store(Path(tmp) / "store")
        with running_server(
            store, query_timeout=args.timeout, max_concurrent_queries=2, max_query_length=max_length
        ) as base:
            httpx.get(base + "/sparql", params={"query": CHEAP}, timeout=60)
            time.sleep(2)  # the workers have started
            with CheapLoad(base, args.clients) as load:
                time.sleep(args.seconds)
            report["load"] = load.figures()

            stop = threading.Event()
            answers: list[tuple[int, str, float]] = []
            streams = [
                threading.Thread(target=runaway_stream, args=(base, address, stop, answers), daemon=True)
                for address in ("127.0.0.2", "127.0.0.3")
            ]
            with WorkerCpu(base.process.pid) as cpu, CheapLoad(base, args.clients) as load:
                for stream in streams:
                    stream.start()
                time.sleep(args.runaway_seconds)
                stop.set()
                for stream in streams:
                    stream.join(args.timeout + 30)
            report["load_with_two_runaway_streams"] = load.figures()
            report["runaways"] = {
                "answers": Counter(f"{status} {code}" for status, code, _ in answers),
                "wall_s": [round(seconds, 2) for _, _, seconds in answers],
                "worker_cpu_s": [round(cpu.cpu[pid], 2) for pid in sorted(cpu.slow)],
                "workers_left_running": [
                    pid
                    for pid in cpu.slow
                    if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
                ],
            }

            singles = []
            for name, action in hostile_requests(base, max_length):
                (status, code), seconds, worst, probe_statuses = during(base, action)
                singles.append(
                    {
                        "request": name,
                        "status": status,
                        "code": code,
                        "seconds": round(seconds, 3),
                        "worst_other_client_ms": round(worst * 1000, 1),
                        "other_client_statuses": dict(probe_statuses),
                    }
                )
            # a worker killed while idle, then a query
            workers = psutil.Process(base.process.pid).children()
            os.kill(workers[0].pid, signal.SIGKILL)
            response = httpx.get(base + "/sparql", params={"query": CHEAP}, timeout=60)
            singles.append(
                {
                    "request": "kill -9 of an idle worker, then a query",
                    "status": response.status_code,
                    "code": _code(response),
                    "seconds": None,
                    "worst_other_client_ms": None,
                    "other_client_statuses": {},
                }
            )
            report["single_requests"] = singles

    fivexx = (
        sum(n for s, n in report["load"]["statuses"].items() if s >= 500 or s == 0)
        + sum(n for s, n in report["load_with_two_runaway_streams"]["statuses"].items() if s >= 500 or s == 0)
        + sum(1 for s in singles if s["status"] >= 500)
        + sum(n for s in singles for st, n in s["other_client_statuses"].items() if st >= 500 or st == 0)
    )
    crashes = sum(1 for s in singles if s["code"] == "worker-crashed") + sum(
        n for key, n in report["runaways"]["answers"].items() if "worker-crashed" in key
    )
    report["summary"] = {
        "5xx_other_than_runaway_timeouts": fivexx,
        "worker_crashes": crashes,
        "worst_other_client_ms_during_single_requests": max((s["worst_other_client_ms"] or 0) for s in singles),
    }
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
    return 0


def print_report(report: dict) -> None:
    print("\n== lexer + checks, in process (mean of 5)")
    for name, value in report["lexer_ms_at_length_limit"].items():
        print(f"  {name:45s} {value:8.1f} ms")
    print("\n== cheap query (ASK), 8 keep-alive clients")
    for key, label in (("load", "alone"), ("load_with_two_runaway_streams", "with 2 runaway streams")):
        f = report[key]
        print(
            f"  {label:25s} {f['per_second']:7.1f}/s  p50 {f['p50_ms']:6.1f} ms  p99 {f['p99_ms']:7.1f} ms  "
            f"max {f['max_ms']:7.1f} ms  statuses {f['statuses']}"
        )
    r = report["runaways"]
    print(f"\n== runaways: answers {dict(r['answers'])}")
    print(f"  wall time until answered (s): {r['wall_s']}")
    print(f"  CPU held by each slow worker (s): {r['worker_cpu_s']}; still running after: {r['workers_left_running']}")
    print("\n== single hostile requests (a probe client asks the cheap query meanwhile)")
    for s in report["single_requests"]:
        worst = "" if s["worst_other_client_ms"] is None else f"worst other {s['worst_other_client_ms']:7.1f} ms"
        took = "" if s["seconds"] is None else f"{s['seconds'] * 1000:8.1f} ms"
        print(f"  {s['request']:45s} {s['status']} {s['code']:24s} {took:>11s}  {worst}")
    print(f"\n== summary: {report['summary']}")


if __name__ == "__main__":
    sys.exit(main())
