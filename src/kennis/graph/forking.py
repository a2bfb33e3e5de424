"""The executor of the in-process store: one forked worker process per query, killable.

pyoxigraph has no query timeout and a running query cannot be interrupted from Python,
so a runaway query in a thread would burn a core until it finished. Instead:

* At start-up, once the store is loaded, :class:`ForkingExecutor` forks a *zygote*: a
  small single-threaded process that shares the loaded store copy-on-write and does
  nothing but fork.
* For each query the server thread makes a socket pair and passes one end to the
  zygote (``SCM_RIGHTS``); the zygote forks a worker that evaluates the query, writes
  the serialised result through that socket in chunks, and exits.
* The server thread reads with a deadline. Past ``settings.query_timeout_s`` it asks the
  zygote to ``SIGKILL`` the worker and answers 503; other queries are unaffected.

Forking from the zygote rather than from the server matters: the server has many
threads (HTTP, thread pool, BLAS...), and a fork while another thread holds a lock
inside the store could leave the child deadlocked. The zygote never queries the store,
so no lock is ever held when it forks. Workers also get ``PR_SET_PDEATHSIG`` (die with
the zygote), an ``RLIMIT_CPU`` backstop, and, where the kernel allows unprivileged
namespaces, no network at all (defence in depth against ``SERVICE``).
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import resource
import signal
import socket
import stat
import struct
import threading
import time
from typing import Any

from kennis.errors import ResultTooLargeError
from kennis.graph.executor import (
    Limits,
    QueryAbortedError,
    QueryRequest,
    QueryResult,
    Refusal,
    SlotExecutor,
    refusal_error,
    stream_result,
    timeout_error,
)

log = logging.getLogger(__name__)

_HEADER = struct.Struct("!cI")  # message type, payload length


# --- worker side (runs in forked processes) -------------------------------------------------


def _send(sock: socket.socket, kind: bytes, payload: bytes = b"") -> None:
    sock.sendall(_HEADER.pack(kind, len(payload)) + payload)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def _recv(sock: socket.socket) -> tuple[bytes, bytes]:
    kind, length = _HEADER.unpack(_recv_exact(sock, _HEADER.size))
    return kind, _recv_exact(sock, length) if length else b""


_PR_SET_PDEATHSIG = 1
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def _libc() -> Any:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - not Linux
        return None


def _harden_worker(limits: Limits, inherited_vm: int) -> None:
    libc = _libc()
    if libc is not None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if limits.isolate_network:
            # fails harmlessly (returns -1) where unprivileged user namespaces are off
            libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET)
    cpu = int(limits.timeout_s) + 5  # backstop only: the server kills at the deadline
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        if limits.max_worker_memory:
            cap = inherited_vm + limits.max_worker_memory
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ValueError, OSError):  # pragma: no cover - hard limit lower than asked
        pass


def _vm_size() -> int:
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover
        pass
    return 0


def _run_query(store: Any, sock: socket.socket, req: dict[str, Any], limits: Limits) -> None:
    """Evaluate one query and stream the serialised result (worker process)."""
    import pyoxigraph as ox

    kwargs: dict[str, Any] = {}
    if req.get("base_iri"):
        kwargs["base_iri"] = req["base_iri"]
    if req["default_graphs"]:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in req["default_graphs"]]
    if req["named_graphs"]:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in req["named_graphs"]]
    if not (req["default_graphs"] or req["named_graphs"]) and limits.union_default_graph:
        kwargs["use_default_graph_as_union"] = True
    try:
        result = store.query(req["query"], **kwargs)
        stream_result(result, req["tabular"], req["graph"], limits.max_rows,
                      lambda kind, payload: _send(sock, kind, payload))
    except SyntaxError as exc:
        _send(sock, b"E", json.dumps({"kind": "syntax", "message": str(exc)}).encode())
    except (OSError, ValueError) as exc:
        _send(sock, b"E", json.dumps({"kind": "eval", "message": str(exc)}).encode())
    except Refusal as refusal:
        _send(sock, b"E", json.dumps(refusal.info).encode())


def _worker_main(store: Any, sock: socket.socket, limits: Limits, inherited_vm: int) -> None:
    try:
        _harden_worker(limits, inherited_vm)
        _send(sock, b"P", str(os.getpid()).encode())
        kind, payload = _recv(sock)
        if kind != b"Q":
            return
        _run_query(store, sock, json.loads(payload), limits)
    except BaseException as exc:  # noqa: BLE001 - the worker must never unwind into the zygote
        try:
            _send(sock, b"E", json.dumps({"kind": "internal", "message": type(exc).__name__}).encode())
        except BaseException:  # noqa: BLE001
            pass


def _close_inherited_sockets(keep: int) -> None:
    """Drop the server's sockets (listening port, client connections) in the zygote."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # pragma: no cover - no procfs
        return
    for fd in fds:
        if fd <= 2 or fd == keep:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            pass


def _zygote_main(store: Any, ctrl: socket.socket, limits: Limits) -> None:
    """Fork one worker per request until the server closes the control socket."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which closes us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        signal.set_wakeup_fd(-1)  # the server's event loop pipe is not ours
    except ValueError:  # pragma: no cover
        pass
    _close_inherited_sockets(ctrl.fileno())
    inherited_vm = _vm_size()
    live: set[int] = set()
    while True:
        while live:  # reap finished workers; a reaped pid is never killed by mistake
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                live.clear()
                break
            if pid == 0:
                break
            live.discard(pid)
        try:
            msg, fds, _flags, _addr = socket.recv_fds(ctrl, 1024, 1)
        except InterruptedError:  # pragma: no cover
            continue
        except OSError:
            return
        if not msg:
            return
        op = msg[:1]
        if op == b"K":
            pid = int(msg[1:])
            if pid in live:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            continue
        if op != b"R" or not fds:
            for fd in fds:
                os.close(fd)
            continue
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                ctrl.close()
                _worker_main(store, socket.socket(fileno=fds[0]), limits, inherited_vm)
            finally:
                os._exit(code)
        os.close(fds[0])
        live.add(pid)


class ForkingExecutor(SlotExecutor):
    """Evaluates each query in a worker forked from a zygote that holds the loaded store."""

    def __init__(self, store: Any, limits: Limits) -> None:
        """``store``: the loaded ``pyoxigraph.Store`` (build one with ``OxigraphStore.executor``)."""
        super().__init__(limits)
        self._store = store
        self._lock = threading.Lock()
        self._ctrl: socket.socket | None = None
        self._zygote_pid: int | None = None
        self._start()

    # -- zygote lifecycle --

    def _start(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:
            try:
                parent.close()
                _zygote_main(self._store, child, self.limits)
            finally:
                os._exit(0)
        child.close()
        self._ctrl, self._zygote_pid = parent, pid
        log.info("SPARQL zygote started (pid %d)", pid)

    def _zygote_alive(self) -> bool:
        if self._zygote_pid is None:
            return False
        try:
            pid, _ = os.waitpid(self._zygote_pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def _submit(self, fd: int) -> None:
        with self._lock:
            if self._ctrl is None:
                raise QueryAbortedError("the SPARQL executor has been closed")
            if not self._zygote_alive():
                log.warning("SPARQL zygote gone; starting a new one")
                self._ctrl.close()
                self._start()
            socket.send_fds(self._ctrl, [b"R"], [fd])

    def _kill(self, pid: int) -> None:
        with self._lock:
            if self._ctrl is not None:
                try:
                    self._ctrl.send(b"K%d" % pid)
                except OSError:
                    pass

    def close(self) -> None:
        """Stop the zygote; its workers die with it (``PR_SET_PDEATHSIG``)."""
        with self._lock:
            if self._ctrl is not None:
                self._ctrl.close()
                self._ctrl = None
            if self._zygote_pid is not None:
                try:
                    os.kill(self._zygote_pid, signal.SIGKILL)
                    os.waitpid(self._zygote_pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
                self._zygote_pid = None

    @property
    def zygote_pid(self) -> int | None:
        return self._zygote_pid

    # -- queries --

    def _execute(self, request: QueryRequest, started: float, deadline: float) -> QueryResult:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        worker: int | None = None
        try:
            try:
                self._submit(theirs.fileno())
            finally:
                theirs.close()
            payload = json.dumps(
                {
                    "query": request.query,
                    "default_graphs": list(request.default_graphs),
                    "named_graphs": list(request.named_graphs),
                    "tabular": request.tabular,
                    "graph": request.graph,
                    "base_iri": request.base_iri,
                },
                ensure_ascii=False,
            ).encode("utf-8", "surrogatepass")
            header: dict[str, Any] = {}
            chunks: list[bytes] = []
            size = 0
            ours.settimeout(max(0.001, deadline - time.monotonic()))
            _send(ours, b"Q", payload)
            while True:
                ours.settimeout(max(0.001, deadline - time.monotonic()))
                kind, data = _recv(ours)
                if kind == b"P":
                    worker = int(data)
                elif kind == b"H":
                    header = json.loads(data)
                elif kind == b"D":
                    size += len(data)
                    if size > self.limits.max_bytes:
                        raise ResultTooLargeError(
                            f"the result is larger than {self.limits.max_bytes // (1024 * 1024)} MiB",
                            hint="select fewer variables or rows (LIMIT)",
                        )
                    chunks.append(data)
                elif kind == b"Z":
                    worker = None  # finished on its own
                    return QueryResult(
                        body=b"".join(chunks),
                        content_type=header["content_type"],
                        form=header["form"],
                        rows=int(data),
                        elapsed_s=time.monotonic() - started,
                    )
                elif kind == b"E":
                    worker = None
                    raise refusal_error(json.loads(data), self.limits)
        except (socket.timeout, TimeoutError):
            raise timeout_error(
                self.limits, "narrow the query (fewer patterns, a LIMIT, FILTERs that bind early)"
            ) from None
        except (EOFError, OSError):
            raise QueryAbortedError(
                "the query process ended before finishing (probably out of memory)",
                hint="narrow the query or add a LIMIT",
            ) from None
        finally:
            if worker is not None:
                self._kill(worker)
            ours.close()


