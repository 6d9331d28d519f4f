"""Query worker processes: how the endpoint runs SPARQL without ever blocking or hanging.

pyoxigraph has no query timeout and no cancellation, and its result iterators must be
consumed on the thread that created them. So every query runs in a separate PROCESS:

* The server keeps a pool of ``max_concurrent_queries`` worker processes
  (``python -m ctair.api.worker_process``, :mod:`ctair.api.worker_process`), each with the store opened read-only
  (``pyoxigraph.Store.read_only``), talking to the server over a socketpair
  (``multiprocessing.connection`` framing, pickled messages).
* A worker runs the query AND serializes the whole result (row cap applied) into a buffer
  that spills to a file in a private spool directory; only then does it reply. The server
  sends the status line after the reply, so a response is either complete or an error:
  never a 200 with a truncated body. The body is then streamed from the file.
* The server awaits the reply on the event loop (``loop.add_reader`` on the socket, no
  thread, no blocking). At the deadline (``query_timeout``) it SIGKILLs the worker, reaps
  it (the CPU is freed at once), answers 503, and spawns a replacement. Other requests are
  served by the other workers meanwhile.
* When every worker is busy, up to ``max_queued_queries`` requests wait for one; beyond
  that the answer is 503 with ``Retry-After``.
* Slow queries: a query still running after ``slow_query_seconds`` moves to the slow lane.
  Its worker is reniced to the lowest CPU priority and no longer counts as one of the
  ``max_concurrent_queries``: a warm spare worker (one per place in the slow lane) takes its
  slot at once. A query also moves there early, after CONTENDED_AFTER (50 ms), when another
  query is waiting for its place (so a fresh runaway does not hold a worker for a whole
  second), so that ordinary queries do not wait behind runaways (two clients sending
  runaway queries used to hold both workers and push a cheap query's p99 from 18 ms to
  9.7 s). The slow worker is retired when its query ends (or at the deadline) and a new
  spare started. The lane holds at most ``max_slow_queries`` queries, one per client address:
  a client's second query to turn slow is stopped with 503 ``slow-lane-full`` and
  ``Retry-After``; when the lane is full with other clients' queries, a query that turns
  slow keeps its ordinary place. While ordinary queries run or wait, a CPU-bound slow query
  runs one tick in SLOW_DUTY_TICKS and is paused (SIGSTOP) the others.
* Updates (when enabled) take the pool exclusively: in-flight queries finish, the readers
  are stopped, a one-shot writer process opens the store read-write and runs the update
  (same deadline logic, ``update_timeout``), then fresh readers are spawned, which see the
  change (a read-only RocksDB handle is a snapshot, and reading while another process
  writes is undefined behaviour for Oxigraph, hence the exclusivity).
* Workers harden themselves at start: ``PR_SET_PDEATHSIG`` (they die with the server, even
  on SIGKILL), and when the kernel allows it they move into an empty network namespace so
  that the store's HTTP client (SERVICE, LOAD) cannot reach anything even if a request got
  past the SERVICE/LOAD check of :mod:`ctair.api.sparql_text`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from ctair.api.query_runner import QueryFailure, QueryReply, QueryTask, UpdateTask
from ctair.errors import CtairError

log = logging.getLogger("ctair.api.workers")

CONTENDED_AFTER = 0.05  # a query running this long while another waits for its place moves to the slow lane
START_GRACE = 10.0  # extra seconds a query waits for a worker that is starting, not busy
SLOW_DUTY_TICKS = 4  # a CPU-bound slow query runs one tick (REAP_INTERVAL) in four while others wait
REAP_INTERVAL = 0.05  # seconds between two looks at idle workers: started yet? died?


# --- errors the pool raises to the endpoint ---------------------------------------------
class PoolError(CtairError):
    """The worker pool could not answer; ``status``/``code`` say why, ``retry_after`` when to retry."""

    status, code = 503, "server-busy"
    retry_after: str | None = None

    def headers(self) -> dict[str, str]:
        return {"Retry-After": self.retry_after} if self.retry_after else {}


class ServerBusy(PoolError):
    code = "server-busy"

    def __init__(self, message: str, retry_after: int = 2):
        super().__init__(message)
        self.retry_after = str(retry_after)


class SlowLaneFull(ServerBusy):
    code = "slow-lane-full"


class QueryTimeout(PoolError):
    code = "query-timeout"


class WorkerCrashed(PoolError):
    code = "worker-crashed"


class StoreUnavailable(PoolError):
    code = "store-unavailable"


class ShuttingDown(PoolError):
    code = "shutting-down"

    def __init__(self, message: str):
        super().__init__(message)
        self.retry_after = "5"


class _WorkerGone(Exception):
    """The worker was dead before it received the task: the task can go to another one."""


def fingerprint(text: str) -> str:
    """A short, stable name for a query in the logs (the text itself may be huge or hostile)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


# --- server side --------------------------------------------------------------------------
@dataclass(eq=False)
class Worker:
    proc: subprocess.Popen
    conn: Connection
    role: str
    generation: Path | None = None  # the build directory it reads (what the store link pointed to)
    paused: bool = False  # SIGSTOPped by the slow-lane throttle
    info: dict = field(default_factory=dict)
    ready: bool = False

    @property
    def pid(self) -> int:
        return self.proc.pid


@dataclass(eq=False)
class _Run:
    """A query running on a worker: what the slow lane needs to know about it."""

    started: float
    client: str
    query: str
    cpu_at_start: float | None = None  # the worker's CPU seconds when the query was sent
    slow: bool = False  # moved to the slow lane (no longer counts against ``size``)
    reniced: bool = False  # at the lowest CPU priority: the worker is retired after the query


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used, from /proc; None where there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _spawn(store_path: Path, role: str) -> Worker:
    parent, child = socket.socketpair()
    try:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ctair.api.worker_process",
                "--fd",
                str(child.fileno()),
                "--store",
                str(store_path),
                "--role",
                role,
            ],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
        )
    finally:
        child.close()
    return Worker(proc=proc, conn=Connection(parent.detach()), role=role, generation=Path(store_path))


class WorkerPool:
    """The reader processes, the queue in front of them, and the writer for updates."""

    def __init__(
        self,
        store_path: Path,
        *,
        size: int = 2,
        max_queued: int = 8,
        slow_after: float | None = None,
        max_slow: int = 2,
    ):
        self.store_path = Path(store_path)
        self.size = max(1, size)
        self.max_queued = max(0, max_queued)
        # the slow lane (see "Slow queries" in the module docstring)
        self.slow_after = slow_after
        self.max_slow = max(0, max_slow)
        self._slow: dict[Worker, str] = {}  # worker running a slow query -> its client
        self._running: dict[Worker, _Run] = {}  # workers running a query (either lane)
        self.spool_dir: Path | None = None
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()
        self._busy = 0
        self._waiting = 0
        self._paused = False
        self._started = False
        self._cond: asyncio.Condition | None = None
        self._update_lock: asyncio.Lock | None = None
        self._reaper: asyncio.Task | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._closing: asyncio.Future | None = None
        self._shutting_down = False
        self._store_error: str | None = None  # why the last worker could not open the store
        self.generation: Path | None = None  # the build directory new workers open
        self._ticks = 0
        self.crashes = 0  # workers that died on their own (crash, OOM kill, kill -9 from outside)
        self.killed: list[int] = []  # pids of workers stopped at a deadline (for logs and tests)

    # lifecycle
    def store_exists(self) -> bool:
        return (self.store_path / "CURRENT").exists()

    async def start(self) -> None:
        """Spawn the readers (without waiting for them) if the store exists; else start on first use."""
        self._cond = asyncio.Condition()
        self._update_lock = asyncio.Lock()
        self.spool_dir = Path(tempfile.mkdtemp(prefix="ctair-sparql-"))
        self.generation = self.current_generation()
        self.loop = asyncio.get_running_loop()
        self._closing = self.loop.create_future()  # set when the grace period of a shutdown ends
        self._reaper = self.loop.create_task(self._reap_forever())
        if self.store_exists():
            self._spawn_readers()
        else:
            log.warning("no Oxigraph store at %s yet: SPARQL queries answer 503 until it exists", self.store_path)

    @property
    def _target(self) -> int:
        """Processes kept warm: the ordinary lane, plus a spare for each place in the slow lane
        so that a query moved there is replaced at once (a new worker takes ~0.3 s to start)."""
        return self.size + (self.max_slow if self.slow_after is not None else 0)

    def current_generation(self) -> Path:
        """The directory the store path points to now (a build swaps a link: ``ctair build``)."""
        return Path(os.path.realpath(self.store_path))

    def _spawn_readers(self) -> None:
        while len(self._all) < self._target:
            # readers open the build directory itself, not the link: a worker reads one store
            # for its whole life, and the pool knows which
            worker = _spawn(self.generation or self.current_generation(), "reader")
            self._all.add(worker)
            self._idle.append(worker)
        self._started = True

    async def stop(self) -> None:
        if self._reaper is not None:
            self._reaper.cancel()
        workers = list(set(self._all) | set(self._slow))
        self._slow.clear()
        self._all.clear()
        self._idle.clear()
        for worker in workers:
            self._signal_kill(worker)
        for worker in workers:
            try:
                await asyncio.to_thread(worker.proc.wait, 5)
            except subprocess.TimeoutExpired:  # pragma: no cover
                log.error("worker %s did not die", worker.pid)
        if self.spool_dir is not None:
            shutil.rmtree(self.spool_dir, ignore_errors=True)

    def begin_shutdown(self, grace: float) -> None:
        """The server got SIGTERM: refuse new queries now, and answer the ones in flight with
        503 ``shutting-down`` if they have not finished ``grace`` seconds from now (before the
        server's own grace period ends and uvicorn would answer them with a bare 500)."""
        self._shutting_down = True
        assert self.loop is not None and self._closing is not None
        closing = self._closing
        self.loop.call_later(max(grace, 0.0), lambda: _resolve(closing))
        self.loop.create_task(self._wake_waiters())

    async def _wake_waiters(self) -> None:
        assert self._cond is not None
        async with self._cond:
            self._cond.notify_all()

    def _refuse_when_shutting_down(self) -> None:
        if self._shutting_down:
            raise ShuttingDown("the server is shutting down; retry in a moment")

    # dead workers
    async def _reap_forever(self) -> None:
        """Every REAP_INTERVAL: notice idle workers that became ready (they get no query before),
        and replace idle workers that died (killed from outside, out of memory) rather than
        when a query picks one. Polling, not a reader per worker: a worker's socket may be
        closed and its descriptor reused at any time, and a stale reader would steal its events."""
        while True:
            await asyncio.sleep(REAP_INTERVAL)
            try:
                await self._look_at_idle()
            except Exception:  # pragma: no cover - the reaper must outlive any one failure
                log.exception("looking after idle query workers failed")

    async def _look_at_idle(self) -> None:
        assert self._cond is not None
        async with self._cond:
            self._throttle_slow_lane()
            changed = self._follow_the_store_link()
            for worker in list(self._idle):
                if not worker.ready and worker.proc.poll() is None:
                    changed |= self._read_ready(worker)
                elif worker.proc.poll() is not None:
                    self._forget_dead(worker, "while idle")
                    changed = True
            if changed:
                if not self._paused and self.store_exists() and self._store_error is None:
                    self._spawn_readers()
                self._cond.notify_all()

    def _throttle_slow_lane(self) -> None:
        """While ordinary queries run or wait, slow-lane queries that burn CPU (reniced) run one
        tick in SLOW_DUTY_TICKS and are paused (SIGSTOP) the others: a low CPU priority is not
        enough, two CPU-bound processes slowed a cheap query 3-5 times even at nice 19 (shared
        caches and memory bandwidth). With the ordinary lane idle they run freely; their
        deadline counts all along."""
        self._ticks += 1
        contended = self._busy > 0 or self._waiting > 0
        run = not contended or self._ticks % SLOW_DUTY_TICKS == 0
        for worker in self._slow:
            current = self._running.get(worker)
            if current is None or not current.reniced or worker.paused == (not run):
                continue
            if worker.proc.returncode is not None:
                continue
            try:
                os.kill(worker.pid, signal.SIGCONT if run else signal.SIGSTOP)
                worker.paused = not run
            except ProcessLookupError:
                pass

    def _follow_the_store_link(self) -> bool:
        """A rebuild swapped the store link: new workers open the new build; idle workers of the
        old one are retired now, busy ones when their query ends (:meth:`_release`). A query
        runs on one worker, so it sees one store. True when the link moved."""
        current = self.current_generation()
        if current == self.generation or not (current / "CURRENT").exists():
            return False
        log.info("the store now points to %s (was %s): query workers follow", current, self.generation)
        self.generation = current
        self._store_error = None
        for worker in [w for w in self._idle if w.generation != current]:
            self._idle.remove(worker)
            self._signal_kill(worker)
            self._all.discard(worker)
            assert self.loop is not None
            self.loop.create_task(self._kill(worker))  # reaps it
        return True

    def _read_ready(self, worker: Worker) -> bool:
        """Take a starting worker's first message if it has come: True when something changed."""
        try:
            if not worker.conn.poll(0):
                return False
            kind, payload = worker.conn.recv()
        except (EOFError, OSError, ValueError):
            self._forget_dead(worker, "while starting")
            return True
        if kind == "ready":
            worker.ready = True
            worker.info = payload
        else:  # "fatal": it cannot open the store
            self._store_error = payload.get("detail", "the store cannot be opened")
            log.error("query worker %s did not start: %s", worker.pid, self._store_error)
            self._signal_kill(worker)
            if worker in self._idle:
                self._idle.remove(worker)
            self._all.discard(worker)
        return True

    def _forget_dead(self, worker: Worker, when: str) -> None:
        self.crashes += 1
        log.error("query worker %s died %s (exit %s); replacing it", worker.pid, when, worker.proc.returncode)
        if worker in self._idle:
            self._idle.remove(worker)
        self._all.discard(worker)
        try:
            worker.conn.close()
        except OSError:
            pass

    def status(self) -> dict:
        return {
            "workers": [{"pid": w.pid, "ready": w.ready, **w.info} for w in self._all],
            "idle": len(self._idle),
            "busy": self._busy,
            "queued": self._waiting,
            "slow": [{"pid": w.pid, "client": client} for w, client in self._slow.items()],
        }

    # killing
    @staticmethod
    def _signal_kill(worker: Worker) -> None:
        if worker.proc.returncode is None:  # once reaped, its pid may belong to another process
            try:
                os.kill(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            worker.conn.close()
        except OSError:
            pass

    async def _kill(self, worker: Worker) -> None:
        """SIGKILL a worker and reap it, so that its pid is gone when this returns."""
        self._signal_kill(worker)
        self._all.discard(worker)
        try:
            await asyncio.to_thread(worker.proc.wait, 5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            log.error("worker %s survived SIGKILL for 5 s", worker.pid)

    # talking to a worker
    async def _receive(self, worker: Worker, deadline: float, *, until_ready: bool = False) -> tuple[str, dict]:
        loop = asyncio.get_running_loop()
        while True:
            if not worker.conn.poll(0):
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise TimeoutError
                readable = loop.create_future()
                fd = worker.conn.fileno()
                loop.add_reader(fd, lambda: _resolve(readable))
                waiting_for = {readable} if self._closing is None else {readable, self._closing}
                try:
                    done, _ = await asyncio.wait(waiting_for, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    loop.remove_reader(fd)
                    readable.cancel()
                if not done:
                    raise TimeoutError
                if readable not in done:
                    raise ShuttingDown(
                        "the server is shutting down and the query did not finish in time; retry in a moment"
                    )
            try:
                kind, payload = worker.conn.recv()
            except (EOFError, OSError, ValueError) as error:
                raise WorkerCrashed(
                    "the query worker stopped unexpectedly (out of memory?); try a smaller query"
                ) from error
            if kind == "ready":
                worker.ready = True
                worker.info = payload
                if until_ready:
                    return kind, payload
                continue
            if kind == "fatal":
                raise StoreUnavailable(payload.get("detail", "the store cannot be opened"))
            return kind, payload

    async def _send(self, worker: Worker, task: dict) -> None:
        try:
            if len(task.get("query") or task.get("update") or "") > 32_000:
                await asyncio.to_thread(worker.conn.send, task)
            else:
                worker.conn.send(task)
        except (OSError, ValueError) as error:  # BrokenPipeError: it died before the task reached it
            raise _WorkerGone(str(error)) from error

    # queries
    def _lane_free(self) -> bool:
        """A query may start: a started idle worker, and fewer than ``size`` ordinary queries running.
        (A worker still starting is never handed a query: its start-up, seconds on a loaded
        machine, would count as the query's time and hold a place in the ordinary lane.)"""
        return self._busy < self.size and not self._paused and any(w.ready for w in self._idle)

    async def _acquire(self, wait: float) -> Worker:
        """A started worker for an ordinary query, waiting ``wait`` s at most for one. Waiting for
        a worker that is still starting does not count against ``max_queued``."""
        assert self._cond is not None
        self._refuse_when_shutting_down()
        async with self._cond:
            if not self._paused and (not self._started or len(self._all) < self._target):
                if not self.store_exists():
                    raise StoreUnavailable(f"the store at {self.store_path} does not exist yet")
                self._spawn_readers()  # also replaces workers that failed to start
            if not self._lane_free():
                self._promote_for_contention()
            if not self._lane_free():
                starting = bool(self._idle) and self._busy < self.size and not self._paused
                if not starting and self._waiting >= self.max_queued:
                    raise ServerBusy(
                        f"all {self.size} query workers are busy and {self._waiting} queries are "
                        "already waiting; retry in a moment"
                    )
                self._waiting += not starting
                try:  # a worker opening the store (seconds on a loaded machine) is worth waiting for
                    async with asyncio.timeout(wait + (START_GRACE if starting else 0)):
                        while not (self._lane_free() or self._store_error is not None or self._shutting_down):
                            if self._promote_for_contention():
                                continue
                            try:  # look again soon: a running query may pass CONTENDED_AFTER meanwhile
                                async with asyncio.timeout(CONTENDED_AFTER):
                                    await self._cond.wait()
                            except TimeoutError:
                                pass
                except TimeoutError:
                    raise ServerBusy(f"no query worker became free within {wait:g} s; retry in a moment") from None
                finally:
                    self._waiting -= not starting
            self._refuse_when_shutting_down()
            if not self._lane_free() and self._store_error is not None:
                error, self._store_error = self._store_error, None  # the next request tries again
                raise StoreUnavailable(error)
            self._busy += 1
            ready = [index for index, worker in enumerate(self._idle) if worker.ready]
            return self._idle.pop(ready[-1])

    async def _acquire_live(self, wait: float) -> Worker:
        """A free worker whose process is alive (a dead one is replaced, never handed out)."""
        while True:
            worker = await self._acquire(wait)
            if worker.proc.poll() is None:
                return worker
            assert self._cond is not None
            async with self._cond:
                self._busy -= 1
                self._forget_dead(worker, "while idle")
                if not self._paused and self.store_exists():
                    self._spawn_readers()
                self._cond.notify_all()

    async def _release(self, worker: Worker | None) -> None:
        assert self._cond is not None
        async with self._cond:
            self._busy -= 1
            if worker is not None and worker.generation != self.generation:
                self._signal_kill(worker)  # it read the store a rebuild replaced
                self._all.discard(worker)
                assert self.loop is not None
                self.loop.create_task(self._kill(worker))
                worker = None
            if worker is not None:
                self._idle.append(worker)
            elif not self._paused and self.store_exists():
                self._spawn_readers()
            self._cond.notify_all()

    async def query(self, task: QueryTask, timeout: float, client: str = "") -> QueryReply:
        """Run one query task; returns the worker's reply or raises a :class:`QueryFailure`
        (the store refused or failed it) or a :class:`PoolError`.

        A worker found dead before it got the task is replaced and the task goes to another
        one, once; a worker that dies while running the query is logged with the query's
        fingerprint and the client gets 503 ``worker-crashed``. ``client`` (its address)
        is who the slow lane counts the query against."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        for attempt in (1, 2):
            worker = await self._acquire_live(wait=max(timeout - (loop.time() - started), 0.1))
            try:  # the deadline counts from the start on a worker, as the wait had its own limit
                return await self._query_on(worker, task, loop.time() + timeout, timeout, client)
            except _WorkerGone:
                log.warning(
                    "query worker %s was gone before query %s reached it (attempt %d)",
                    worker.pid,
                    fingerprint(task["query"]),
                    attempt,
                )
        raise WorkerCrashed("two query workers in a row were found dead; retry in a moment")

    async def _query_on(
        self, worker: Worker, task: QueryTask, deadline: float, timeout: float, client: str
    ) -> QueryReply:
        loop = asyncio.get_running_loop()
        keep: Worker | None = None
        run = _Run(started=loop.time(), client=client, query=task["query"])
        started = run.started
        assert self.spool_dir is not None  # made when the pool starts
        spill_path = str(self.spool_dir / f"{uuid.uuid4().hex}.out")
        sent = dict(task, op="query", spill_path=spill_path)
        try:
            if not worker.ready:  # a worker still starting: its start-up is not the query's time
                await self._receive(worker, deadline, until_ready=True)
            started = run.started = loop.time()
            run.cpu_at_start = cpu_seconds(worker.pid)
            self._running[worker] = run
            await self._send(worker, sent)
            if self.slow_after is not None and started + self.slow_after < deadline:
                try:
                    kind, payload = await self._receive(worker, started + self.slow_after)
                except TimeoutError:
                    await self._slow_timer(worker, run)
                    kind, payload = await self._receive(worker, deadline)
            else:
                kind, payload = await self._receive(worker, deadline)
            keep = worker
        except TimeoutError:
            self.killed.append(worker.pid)
            await self._kill(worker)
            _unlink(spill_path)
            log.warning(
                "query %s stopped after %.1f s (worker %s killed)",
                fingerprint(task["query"]),
                loop.time() - started,
                worker.pid,
            )
            raise QueryTimeout(
                f"the query ran longer than the {timeout:g} s limit and was stopped; "
                "make it more selective (or add a LIMIT) and try again"
            ) from None
        except WorkerCrashed:
            await self._kill(worker)
            _unlink(spill_path)
            self.crashes += 1
            log.error(
                "query worker %s crashed (exit %s) running query %s (%d characters)",
                worker.pid,
                worker.proc.returncode,
                fingerprint(task["query"]),
                len(task["query"]),
            )
            raise
        except BaseException:
            await self._kill(worker)
            _unlink(spill_path)
            raise
        finally:
            self._running.pop(worker, None)
            if run.slow:
                await self._leave_slow_lane(worker, run, finished=keep is not None)
            else:
                await self._release(keep)
        if kind != "ok":
            raise QueryFailure.from_payload(payload)
        return QueryReply(
            form=payload["form"],
            media_type=payload["media_type"],
            count=payload["count"],
            truncated=payload["truncated"],
            body=payload.get("body"),
            path=payload.get("path"),
        )

    def _promote(self, worker: Worker, run: _Run) -> None:
        """Move a running query to the slow lane (the caller holds the condition): it no longer
        counts against ``size``, so a warm spare takes its place in the ordinary lane."""
        run.slow = True
        self._slow[worker] = run.client
        self._busy -= 1
        log.info(
            "query %s moved to the slow lane after %.2f s (worker %s, client %s)",
            fingerprint(run.query),
            asyncio.get_running_loop().time() - run.started,
            worker.pid,
            run.client,
        )
        assert self._cond is not None
        self._cond.notify_all()

    def _renice(self, worker: Worker, run: _Run) -> None:
        """A slow-lane query past ``slow_after``: lowest CPU priority (so the ordinary lane and the
        event loop come first), and a new spare, as this worker is retired after its query (its
        priority cannot be raised again without privileges)."""
        run.reniced = True
        self._all.discard(worker)
        try:
            os.setpriority(os.PRIO_PROCESS, worker.pid, 19)
        except OSError:  # pragma: no cover - the worker just exited
            pass
        if not self._paused and self.store_exists():
            self._spawn_readers()

    def _promote_for_contention(self) -> bool:
        """A query is waiting for the ordinary lane: move the longest-running ordinary query
        there to the slow lane if it has run CONTENDED_AFTER seconds already (a cheap query is
        done by then), the lane has room and its client has no other slow query. The caller
        holds the condition. True when a place was freed."""
        if self.slow_after is None or len(self._slow) >= self.max_slow:
            return False
        now = asyncio.get_running_loop().time()
        clients = set(self._slow.values())
        candidates = [
            (run.started, worker, run)
            for worker, run in self._running.items()
            if not run.slow and now - run.started >= CONTENDED_AFTER and run.client not in clients
        ]
        if not candidates:
            return False
        _, worker, run = min(candidates, key=lambda item: item[0])
        self._promote(worker, run)
        # burning CPU (not merely waiting for it on a loaded machine): lowest priority at once
        used = cpu_seconds(worker.pid)
        if used is not None and run.cpu_at_start is not None and used - run.cpu_at_start >= CONTENDED_AFTER:
            self._renice(worker, run)
        return True

    async def _slow_timer(self, worker: Worker, run: _Run) -> None:
        """The query has run ``slow_after`` seconds: into the slow lane at the lowest priority.
        A client's second slow query is stopped; when the lane is full of other clients'
        queries, it keeps its ordinary place."""
        assert self._cond is not None
        async with self._cond:
            if not run.slow:
                if run.client in self._slow.values():
                    own = True
                elif len(self._slow) >= self.max_slow:
                    return
                else:
                    own = False
                    self._promote(worker, run)
            else:
                own = False
            if not own:
                self._renice(worker, run)
                return
        log.warning(
            "query %s stopped at %.1f s: client %s already has a slow query",
            fingerprint(run.query),
            self.slow_after,
            run.client,
        )
        raise SlowLaneFull(
            f"the query ran longer than {self.slow_after:g} s while another query of yours is still "
            "running slowly: run slow queries one at a time",
            retry_after=5,
        )

    async def _leave_slow_lane(self, worker: Worker, run: _Run, finished: bool) -> None:
        """A slow-lane query ended: a reniced worker is retired (a spare replaced it already);
        one moved early that finished normally goes back to the pool, still a spare."""
        back = finished and not run.reniced and worker.generation == self.generation
        if not back:  # reniced, failed, or reading a store a rebuild replaced
            await self._kill(worker)
        assert self._cond is not None
        async with self._cond:
            self._slow.pop(worker, None)
            if back:
                self._idle.append(worker)
            elif not self._paused and self.store_exists():
                self._spawn_readers()
            self._cond.notify_all()

    # updates
    async def update(self, task: UpdateTask, timeout: float, drain_timeout: float) -> None:
        """Run one update with the readers stopped, then restart them."""
        assert self._cond is not None and self._update_lock is not None
        loop = asyncio.get_running_loop()
        async with self._update_lock:
            async with self._cond:
                self._paused = True
                try:
                    async with asyncio.timeout(drain_timeout):
                        await self._cond.wait_for(lambda: self._busy == 0 and not self._slow)
                except TimeoutError:
                    self._paused = False
                    self._cond.notify_all()
                    raise ServerBusy("queries are still running; retry the update in a moment") from None
                readers, self._idle = self._idle, []
            try:
                for reader in readers:
                    await self._kill(reader)
                writer = _spawn(self.current_generation(), "writer")
                started = loop.time()
                try:
                    await self._send(writer, dict(task, op="update"))
                    kind, payload = await self._receive(writer, started + timeout)
                except _WorkerGone:
                    raise WorkerCrashed("the update's writer process died before it started; retry") from None
                except TimeoutError:
                    raise QueryTimeout(f"the update ran longer than the {timeout:g} s limit and was stopped") from None
                finally:
                    await self._kill(writer)
            finally:
                async with self._cond:
                    self._paused = False
                    self._all = {w for w in self._all if w.proc.poll() is None}
                    if self.store_exists():
                        self._spawn_readers()
                    self._cond.notify_all()
        if kind != "ok":
            raise QueryFailure.from_payload(payload)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
