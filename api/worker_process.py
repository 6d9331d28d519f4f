"""The query worker process (``python -m ctair.api.worker_process``), started by the pool of
:mod:`ctair.api.workers`: it hardens itself (dies with the server, leaves the network when the
kernel allows it), opens the store read-only (or read-write, once, for an update), then answers
the tasks the pool sends over its socket, one at a time, spilling large results to a file.
"""

from __future__ import annotations

import argparse
import ctypes
import io
import os
import signal
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, BinaryIO, cast

import pyoxigraph as ox

from ctair.api import results
from ctair.api.query_runner import QueryFailure, syntax_error
from ctair.graph.store import lease

SPILL_THRESHOLD = 1 << 20  # results up to 1 MiB travel over the socket, larger ones via a file
WORKER_STACK_BYTES = 256 << 20  # address space reserved for the query thread's stack, not memory used

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_PDEATHSIG = 1


def _harden() -> str:
    """Die with the parent; leave the network if the kernel lets us. Returns the sandbox status."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return "none"
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return "network-namespace"
    return "none"


class _Spool(io.RawIOBase):
    """A write-only buffer that keeps up to SPILL_THRESHOLD bytes in memory, then spills to a file."""

    def __init__(self, path: str):
        self.path = path
        self._memory: io.BytesIO | None = io.BytesIO()
        self._file: BinaryIO | None = None
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        if self._memory is not None and self._memory.tell() + len(data) > SPILL_THRESHOLD:
            self._file = open(self.path, "wb", buffering=1 << 16)
            self._file.write(self._memory.getvalue())
            self._memory = None
        target = self._memory if self._memory is not None else self._file
        assert target is not None  # the file replaces the memory buffer
        target.write(data)
        self.size += len(data)
        return len(data)

    def finish(self) -> dict:
        if self._memory is not None:
            return {"body": self._memory.getvalue()}
        assert self._file is not None  # spilled: the file replaced the memory buffer
        self._file.close()
        return {"path": self.path, "size": self.size}

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            try:
                os.unlink(self.path)
            except OSError:
                pass


def _run_query(store, task: dict) -> tuple[str, dict]:
    kwargs: dict[str, Any] = {"base_iri": task.get("base_iri")}
    if task.get("default_graph") is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in task["default_graph"]]
    if task.get("named_graphs") is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in task["named_graphs"]]
    if task.get("union"):
        kwargs["use_default_graph_as_union"] = True
    spool = _Spool(task["spill_path"])
    out = cast(BinaryIO, spool)  # a raw binary file object: all the writers below call is write()
    try:
        result = store.query(task["query"], **kwargs)
        if isinstance(result, ox.QuerySolutions):
            form = "SELECT"
        elif isinstance(result, ox.QueryBoolean):
            form = "ASK"
        else:
            form = "CONSTRUCT"
        fmt = results.result_format(task.get("accept"), form)
        count, truncated = None, False
        if form == "SELECT":
            counter = results.write_solutions(result, fmt, out, task.get("max_rows"))
            count, truncated = counter.count, counter.truncated
        elif form == "ASK":
            results.write_boolean(bool(result), fmt, out)
        else:
            counter = results.write_triples(result, fmt, out, task.get("max_rows"), task.get("prefixes"))
            count, truncated = counter.count, counter.truncated
    except SyntaxError as error:
        spool.discard()
        return "error", syntax_error("query", error, task["query"]).payload()
    except results.NotAcceptable as error:
        spool.discard()
        return "error", QueryFailure(error.status, error.code, str(error), **error.extra()).payload()
    except MemoryError:
        spool.discard()
        return "error", QueryFailure(503, "out-of-memory", "the query needed more memory than the server has").payload()
    except (ValueError, TypeError, RuntimeError, OSError) as error:
        spool.discard()
        status = 500 if isinstance(error, OSError) else 400
        return "error", QueryFailure(status, "query-failed", f"the query failed: {error}").payload()
    reply = {"form": form, "media_type": fmt.content_type, "count": count, "truncated": truncated}
    reply.update(spool.finish())
    return "ok", reply


def _run_update(store_path: str, task: dict) -> tuple[str, dict]:
    try:
        store = ox.Store(store_path)
    except OSError as error:
        return "error", QueryFailure(503, "store-unavailable", f"cannot open the store for writing: {error}").payload()
    try:
        store.update(task["update"], base_iri=task.get("base_iri"))
        store.flush()
    except SyntaxError as error:
        return "error", syntax_error("update", error, task["update"]).payload()
    except (ValueError, TypeError, RuntimeError, OSError) as error:
        status = 500 if isinstance(error, OSError) else 400
        return "error", QueryFailure(status, "update-failed", f"the update failed: {error}").payload()
    finally:
        del store
    return "ok", {}


def worker_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ctair-sparql-worker")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--role", choices=("reader", "writer"), default="reader")
    args = parser.parse_args(argv)
    sandbox = _harden()
    if os.getppid() == 1:  # the server is already gone
        return
    conn = Connection(args.fd)
    store = None
    if args.role == "reader":
        try:
            store = ox.Store.read_only(args.store)
        except OSError as error:
            conn.send(("fatal", {"detail": f"cannot open the store at {args.store}: {error}"}))
            return
    held = lease(Path(args.store)) if args.role == "reader" else None  # noqa: F841 (held for life)
    conn.send(("ready", {"pid": os.getpid(), "sandbox": sandbox}))
    # Oxigraph parses and evaluates recursively; the endpoint refuses deep queries before they
    # get here (max_query_depth), and the big stack is the margin behind that check: on the
    # main thread's 8 MiB, 3,000 nested groups overflow it (SIGSEGV); here, hundreds of thousands.
    threading.stack_size(WORKER_STACK_BYTES)
    serving = threading.Thread(target=_serve, args=(conn, store, args), name="ctair-query")
    serving.start()
    serving.join()


def _serve(conn: Connection, store, args) -> None:
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task.get("op") == "query":
            reply = _run_query(store, task)
        elif task.get("op") == "update":
            reply = _run_update(args.store, task)
        else:
            reply = ("error", QueryFailure(500, "internal", f"unknown task {task.get('op')!r}").payload())
        conn.send(reply)
        if args.role == "writer":
            return


if __name__ == "__main__":
    worker_main()
