"""An external SPARQL 1.1 server as the graph store (``KENNIS_SPARQL_ENDPOINT``).

Many API workers can then share one graph server (for example ``oxigraph serve``).
:class:`RemoteStore` implements :class:`kennis.graph.store.TripleStore`;
:class:`RemoteExecutor` serves the ``/sparql`` endpoint through it with the same
checks, limits and result formats as the in-process store: results are fetched as
SPARQL JSON / N-Triples, parsed as a stream, capped, and re-serialised.

Oxigraph-specific: queries without a protocol dataset ask for the union default graph
(``union-default-graph`` parameter), matching the in-process store; other servers
ignore the parameter, so configure them to use the union of the graphs as default graph.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import IO, Any, Iterator, cast

from kennis.errors import KennisError, QueryError, QueryTimeoutError, ResultTooLargeError
from kennis.graph.executor import (
    Emit,
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

_RESULTS_JSON = "application/sparql-results+json"
_N_TRIPLES = "application/n-triples"
_MAX_ERROR_TEXT = 500


class StoreUnavailableError(KennisError):
    """The external SPARQL server cannot be reached or failed (HTTP 503)."""

    exit_code = 6
    http_status = 503


class _Deadline(Exception):
    pass


class _ResponseReader:
    """A file-like view of a streamed HTTP body that gives up at a deadline."""

    def __init__(self, chunks: Iterator[bytes], deadline: float) -> None:
        self._chunks = chunks
        self._deadline = deadline
        self._buffer = b""
        self.expired = False

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            if time.monotonic() > self._deadline:
                self.expired = True
                raise _Deadline
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            out, self._buffer = self._buffer, b""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def readable(self) -> bool:
        return True


class RemoteStore:
    """A SPARQL 1.1 Protocol endpoint as :class:`~kennis.graph.store.TripleStore`."""

    def __init__(
        self,
        endpoint: str,
        *,
        timeout_s: float = 10.0,
        store_endpoint: str = "",
        union_default_graph: bool = True,
        client: Any = None,
    ) -> None:
        """``endpoint``: the query URL; ``store_endpoint``: Graph Store Protocol URL for :meth:`load`."""
        import httpx

        self.endpoint = endpoint
        self.store_endpoint = store_endpoint
        self.timeout_s = timeout_s
        self.union_default_graph = union_default_graph
        self._client = client or httpx.Client(timeout=httpx.Timeout(timeout_s, connect=5.0))

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r})"

    def close(self) -> None:
        self._client.close()

    def executor(self, limits: Limits) -> "RemoteExecutor":
        """The ``/sparql`` executor over this server, within ``limits``."""
        return RemoteExecutor(self, limits)

    # --- low level ---------------------------------------------------------------------------

    def form(self, query: str, default_graphs: tuple[str, ...] = (), named_graphs: tuple[str, ...] = (),
             union: bool | None = None) -> list[tuple[str, str]]:
        """The form fields of a protocol request."""
        data = [("query", query)]
        data += [("default-graph-uri", g) for g in default_graphs]
        data += [("named-graph-uri", g) for g in named_graphs]
        if union if union is not None else (self.union_default_graph and not default_graphs and not named_graphs):
            data.append(("union-default-graph", ""))
        return data

    def stream(self, data: list[tuple[str, str]], accept: str, timeout_s: float | None = None) -> Any:
        """A streaming POST (``with store.stream(...) as response``)."""
        import httpx

        return self._client.stream(
            "POST",
            self.endpoint,
            data=dict_multi(data),
            headers={"Accept": accept},
            timeout=httpx.Timeout(timeout_s or self.timeout_s, connect=5.0),
        )

    def _post(self, query: str, accept: str, union: bool | None = None) -> bytes:
        import httpx

        try:
            with self.stream(self.form(query, union=union), accept) as response:
                body = response.read()
                check_status(response.status_code, body)
                return body
        except httpx.TimeoutException:
            raise QueryTimeoutError(f"the SPARQL server did not answer within {self.timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise StoreUnavailableError(
                f"the SPARQL server at {self.endpoint} cannot be reached: {type(exc).__name__}",
                hint="check KENNIS_SPARQL_ENDPOINT and that the server runs",
            ) from None

    # --- TripleStore -------------------------------------------------------------------------

    def select(self, query: str) -> list[dict[str, str | None]]:
        doc = json.loads(self._post(query, _RESULTS_JSON))
        if "results" not in doc:
            raise QueryError("expected a SELECT query")
        names = doc["head"]["vars"]
        return [
            {n: _lexical(b[n]) if n in b else None for n in names} for b in doc["results"]["bindings"]
        ]

    def ask(self, query: str) -> bool:
        doc = json.loads(self._post(query, _RESULTS_JSON))
        return bool(doc.get("boolean"))

    def __len__(self) -> int:
        # default graph plus every named graph, counted as quads (like len(pyoxigraph.Store))
        rows = self.select_plain(
            "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        )
        return int(rows[0]["n"] or 0)

    def select_plain(self, query: str) -> list[dict[str, str | None]]:
        """A SELECT against the real default graph (no union), for counting."""
        doc = json.loads(self._post(query, _RESULTS_JSON, union=False))
        names = doc["head"]["vars"]
        return [{n: _lexical(b[n]) if n in b else None for n in names} for b in doc["results"]["bindings"]]

    # --- loading -----------------------------------------------------------------------------

    def load(self, path: Path) -> None:
        """Add an RDF file to the server's dataset (Graph Store Protocol ``POST``, default: N-Quads)."""
        import httpx

        if not self.store_endpoint:
            raise StoreUnavailableError(
                "no Graph Store endpoint configured to load the graph into",
                hint="set KENNIS_SPARQL_STORE_ENDPOINT (for oxigraph serve: http://HOST:PORT/store)",
            )
        media = {".nq": "application/n-quads", ".nt": _N_TRIPLES, ".ttl": "text/turtle",
                 ".trig": "application/trig"}.get(path.suffix.lower(), "application/n-quads")
        try:
            with path.open("rb") as fh:
                response = self._client.post(
                    self.store_endpoint, content=fh.read(), headers={"Content-Type": media},
                    timeout=httpx.Timeout(max(60.0, self.timeout_s), connect=5.0),
                )
        except httpx.HTTPError as exc:
            raise StoreUnavailableError(f"loading into {self.store_endpoint} failed: {type(exc).__name__}") from None
        if response.status_code >= 300:
            raise StoreUnavailableError(
                f"loading into {self.store_endpoint} failed: HTTP {response.status_code} "
                f"{response.text[:_MAX_ERROR_TEXT]}"
            )


def dict_multi(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """httpx form data allowing repeated keys (a key → list of values)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def _lexical(binding: dict[str, Any]) -> str | None:
    value = binding.get("value")
    return value if isinstance(value, str) else json.dumps(value)


def check_status(status: int, body: bytes) -> None:
    """Translate an error status of the remote server."""
    if status < 300:
        return
    text = body[:_MAX_ERROR_TEXT].decode("utf-8", "replace").strip()
    if 400 <= status < 500:
        raise QueryError(f"the SPARQL server refused the query: {text}")
    raise StoreUnavailableError(f"the SPARQL server failed (HTTP {status}): {text}")


def _consume(reader: _ResponseReader, media: str, request: QueryRequest, max_rows: int, emit: Emit) -> None:
    import pyoxigraph as ox

    if media == _RESULTS_JSON:
        result: Any = ox.parse_query_results(cast(IO[bytes], reader), format=ox.QueryResultsFormat.JSON)
    elif media in (_N_TRIPLES, "text/plain"):
        result = (q.triple for q in ox.parse(cast(IO[bytes], reader), format=ox.RdfFormat.N_TRIPLES))
    else:
        raise StoreUnavailableError(f"the SPARQL server answered in an unexpected format: {media!r}")
    stream_result(result, request.tabular, request.graph, max_rows, emit)


class RemoteExecutor(SlotExecutor):
    """Serves ``/sparql`` requests through a :class:`RemoteStore`, within the same limits.

    The store (and its HTTP client) belongs to the caller: :meth:`close` stops nothing.
    """

    def __init__(self, store: RemoteStore, limits: Limits) -> None:
        super().__init__(limits)
        self.store = store

    def _execute(self, request: QueryRequest, started: float, deadline: float) -> QueryResult:
        import httpx

        union = self.limits.union_default_graph and not request.default_graphs and not request.named_graphs
        data = self.store.form(request.query, request.default_graphs, request.named_graphs, union=union)
        header: dict[str, Any] = {}
        chunks: list[bytes] = []
        rows = 0
        reader: _ResponseReader | None = None

        def emit(kind: bytes, payload: bytes) -> None:
            nonlocal header, rows
            if kind == b"H":
                header = json.loads(payload)
            elif kind == b"D":
                chunks.append(payload)
                if sum(map(len, chunks)) > self.limits.max_bytes:
                    raise Refusal({"kind": "too_large"})
            elif kind == b"Z":
                rows = int(payload)

        # Errors are built inside ``except`` but raised after it, and the parsed result lives
        # only in ``_consume``'s frame: pyoxigraph iterators must be dropped on this thread, not
        # on the event loop thread that ends up holding the exception's traceback.
        error: KennisError | None = None
        try:
            with self.store.stream(data, f"{_RESULTS_JSON}, {_N_TRIPLES};q=0.9", self.limits.timeout_s) as resp:
                if resp.status_code >= 300:
                    check_status(resp.status_code, resp.read())
                reader = _ResponseReader(resp.iter_bytes(), deadline)
                media = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                _consume(reader, media, request, self.limits.max_rows, emit)
        except KennisError as exc:
            error = exc
        except Refusal as refusal:
            if refusal.info.get("kind") == "too_large":
                error = ResultTooLargeError(f"the result is larger than {self.limits.max_bytes // (1024 * 1024)} MiB")
            else:
                error = refusal_error(refusal.info, self.limits)
        except (_Deadline, httpx.TimeoutException):
            error = self._timeout()
        except httpx.HTTPError as exc:
            error = StoreUnavailableError(
                f"the SPARQL server at {self.store.endpoint} cannot be reached: {type(exc).__name__}",
                hint="check KENNIS_SPARQL_ENDPOINT and that the server runs",
            )
        except (SyntaxError, OSError, ValueError) as exc:
            if reader is not None and reader.expired:  # the deadline surfaced through the parser
                error = self._timeout()
            else:
                error = QueryAbortedError(f"the SPARQL server's answer could not be read: {exc}")
        if error is not None:
            error.__traceback__ = None
            raise error
        return QueryResult(
            body=b"".join(chunks),
            content_type=header["content_type"],
            form=header["form"],
            rows=rows,
            elapsed_s=time.monotonic() - started,
        )

    def _timeout(self) -> QueryTimeoutError:
        return timeout_error(self.limits, "narrow the query (and give the graph server a timeout "
                                          "too, e.g. oxigraph serve --timeout-s)")
