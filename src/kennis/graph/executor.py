"""What every SPARQL query executor shares: request, result, limits, errors, slots, streaming.

An executor runs one protocol request within :class:`Limits` and can be stopped at the
deadline. There is one kind per store, each in its own module and built by its store
(:meth:`kennis.graph.store.OxigraphStore.executor`, :meth:`kennis.graph.remote.RemoteStore.executor`):

* :class:`kennis.graph.forking.ForkingExecutor`: a forked worker process per query, killed at
  the deadline (the in-process pyoxigraph store cannot be interrupted otherwise);
* :class:`kennis.graph.remote.RemoteExecutor`: forwards to an external SPARQL server and
  stops reading at the deadline.

Both serialise through :func:`stream_result`, which enforces the row cap while streaming,
and share the slot and deadline handling of :class:`SlotExecutor`. The CLI, the API and the
Streamlit page all run their queries through one of them.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from kennis.errors import KennisError, QueryError, QueryTimeoutError, ResultTooLargeError
from kennis.graph import formats as F

#: Serialised results are handed on in chunks of about this size.
CHUNK_BYTES = 256 * 1024
Emit = Callable[[bytes, bytes], None]


class QueryAbortedError(QueryTimeoutError):
    """The worker died before finishing (memory limit, crash): 503 like a timeout."""


class BusyError(QueryTimeoutError):
    """Every query slot stayed busy until the deadline: 503, try again later."""


@dataclass(frozen=True)
class QueryRequest:
    """One protocol request, already checked by :func:`kennis.graph.guard.check_query`."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    #: Format name for SELECT/ASK results, or ``None`` when the client accepts none.
    tabular: str | None = "json"
    #: Format name for CONSTRUCT/DESCRIBE results, or ``None`` when the client accepts none.
    graph: str | None = "turtle"
    #: Base IRI for relative IRIs in the query (the endpoint URL, as the protocol implies).
    base_iri: str | None = None


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    content_type: str
    form: str  # "select", "ask" or "graph"
    rows: int
    elapsed_s: float = 0.0


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 10.0
    max_rows: int = 10_000
    #: Largest serialised result held in memory for one query.
    max_bytes: int = 64 * 1024 * 1024
    #: Extra address space a worker may allocate beyond what it inherits (0: no limit).
    max_worker_memory: int = 2 * 1024**3
    #: Queries evaluated at the same time; more wait for a slot until their deadline.
    max_concurrent: int = 8
    #: Treat the default graph as the union of all graphs when no dataset is given.
    union_default_graph: bool = True
    #: Try to cut workers off the network (unprivileged user + network namespace).
    isolate_network: bool = True

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> "Limits":
        return cls(
            timeout_s=float(settings.query_timeout_s),
            max_rows=int(settings.max_result_rows),
            **overrides,
        )


class QueryExecutor(Protocol):
    """What the ``/sparql`` endpoint needs: run one request within the limits."""

    limits: Limits

    def execute(self, request: QueryRequest) -> QueryResult: ...

    def close(self) -> None: ...




class Refusal(Exception):
    """A query outcome that becomes an HTTP error (syntax, too many rows, no acceptable format)."""

    def __init__(self, info: dict[str, Any]) -> None:
        super().__init__(info.get("kind"))
        self.info = info


def stream_result(result: Any, tabular: str | None, graph: str | None, max_rows: int,
                  emit: Emit) -> None:
    """Serialise a pyoxigraph query result through ``emit(kind, payload)``.

    Emits ``H`` (JSON: form, content type), then ``D`` chunks, then ``Z`` (row count);
    raises :class:`Refusal` above ``max_rows`` rows or when no format is acceptable.
    Used by the worker processes and by the remote executor alike.
    """
    import pyoxigraph as ox

    def header(form: str, fmt: F.ResultFormat | None) -> F.ResultFormat:
        if fmt is None:
            raise Refusal({"kind": "not_acceptable", "form": form})
        emit(b"H", json.dumps({"form": form, "content_type": fmt.content_type}).encode())
        return fmt

    if isinstance(result, ox.QueryBoolean):
        fmt = header("ask", F.FORMATS_BY_NAME.get(tabular or ""))
        emit(b"D", F.boolean_bytes(fmt, bool(result)))
        emit(b"Z", b"1")
        return
    if isinstance(result, ox.QuerySolutions):
        fmt = header("select", F.FORMATS_BY_NAME.get(tabular or ""))
        writer = F.SolutionsWriter(fmt, [v.value for v in result.variables])
        parts = [writer.head()]
        size = len(parts[0])
        rows = 0
        for solution in result:
            rows += 1
            if rows > max_rows:
                raise Refusal({"kind": "too_many", "rows": max_rows})
            text = writer.row(solution)
            parts.append(text)
            size += len(text)
            if size >= CHUNK_BYTES:  # stream: the worker holds at most one chunk
                emit(b"D", "".join(parts).encode())
                parts, size = [], 0
        parts.append(writer.tail())
        emit(b"D", "".join(parts).encode())
        emit(b"Z", str(rows).encode())
        return
    fmt = header("graph", F.FORMATS_BY_NAME.get(graph or ""))  # CONSTRUCT / DESCRIBE
    triples = []
    for triple in result:
        triples.append(triple)
        if len(triples) > max_rows:
            raise Refusal({"kind": "too_many", "rows": max_rows})
    body = F.triples_bytes(fmt, triples)
    for start in range(0, len(body), CHUNK_BYTES):
        emit(b"D", body[start : start + CHUNK_BYTES])
    emit(b"Z", str(len(triples)).encode())


def refusal_error(info: dict[str, Any], limits: Limits) -> KennisError:
    kind = info.get("kind")
    if kind == "syntax":
        return QueryError(f"SPARQL syntax error: {info.get('message', '')}",
                          hint="check the query against the SPARQL 1.1 grammar")
    if kind == "eval":
        return QueryError(f"the query could not be evaluated: {info.get('message', '')}")
    if kind == "too_many":
        return ResultTooLargeError(
            f"the result has more than {limits.max_rows} rows; it was refused, not truncated",
            hint=f"add LIMIT {limits.max_rows} (or less) or narrow the query; "
            "KENNIS_MAX_RESULT_ROWS sets the cap",
        )
    if kind == "not_acceptable":
        kinds = F.TABULAR_FORMATS if info.get("form") in ("select", "ask") else F.GRAPH_FORMATS
        offered = ", ".join(f.media_type for f in kinds)
        return F.NotAcceptableError(
            f"no acceptable format for this {info.get('form', '').upper()} result",
            hint=f"send an Accept header with one of: {offered}",
        )
    return QueryAbortedError("the query failed inside the query process")




def timeout_error(limits: Limits, hint: str) -> QueryTimeoutError:
    """The one message for a query stopped at the time limit."""
    return QueryTimeoutError(f"the query was stopped after {limits.timeout_s:g} s (time limit)",
                             hint=hint + "; KENNIS_QUERY_TIMEOUT_S sets the limit")


class SlotExecutor:
    """At most ``limits.max_concurrent`` queries at once, each within ``limits.timeout_s``.

    Subclasses implement :meth:`_execute` and keep to ``deadline`` (a ``time.monotonic()``
    value); waiting for a slot counts against the same deadline.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._slots = threading.BoundedSemaphore(limits.max_concurrent)

    def execute(self, request: QueryRequest) -> QueryResult:
        started = time.monotonic()
        deadline = started + self.limits.timeout_s
        if not self._slots.acquire(timeout=self.limits.timeout_s):
            raise BusyError(
                f"the server is busy: no query slot came free within {self.limits.timeout_s:g} s",
                hint="try again later",
            )
        try:
            return self._execute(request, started, deadline)
        finally:
            self._slots.release()

    def _execute(self, request: QueryRequest, started: float, deadline: float) -> QueryResult:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing to stop by default."""
