"""Triple store backends behind one small protocol.

The core reads the graph only through :class:`TripleStore`; the default is an
in-process pyoxigraph store loaded from the built graph file, the alternative an
external SPARQL 1.1 server by URL (so that many API workers share one graph).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from kennis.errors import NotBuiltError, QueryError

if TYPE_CHECKING:  # pragma: no cover
    from kennis.config import Settings
    from kennis.graph.executor import Limits, QueryExecutor


@runtime_checkable
class TripleStore(Protocol):
    """What the core needs of a SPARQL store."""

    def select(self, query: str) -> list[dict[str, str | None]]:
        """Run a SELECT; each row maps variable name → lexical value (IRI or literal text)."""

    def ask(self, query: str) -> bool:
        """Run an ASK."""

    def __len__(self) -> int:
        """Number of triples/quads held."""

    def executor(self, limits: "Limits") -> "QueryExecutor":
        """An executor that runs protocol requests on this store within ``limits`` (killable)."""


def _term_value(term: Any) -> str | None:
    return None if term is None else term.value


class OxigraphStore:
    """In-process pyoxigraph store (W3C-conformant, much faster than rdflib's engine)."""

    def __init__(self, store: Any) -> None:
        self._store = store

    @classmethod
    def from_file(cls, path: Path) -> "OxigraphStore":
        import pyoxigraph as ox

        if not path.is_file():
            raise NotBuiltError(f"no built graph at {path}")
        store = ox.Store()
        store.bulk_load(path=str(path), format=_format_for(path))
        return cls(store)

    def select(self, query: str) -> list[dict[str, str | None]]:
        import pyoxigraph as ox

        try:
            result = self._store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: _term_value(sol[n]) for n in names} for sol in result]

    def ask(self, query: str) -> bool:
        try:
            result = self._store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        return bool(result)

    def __len__(self) -> int:
        return len(self._store)

    def executor(self, limits: "Limits") -> "QueryExecutor":
        """Forks its zygote now: do this before the process starts threads where possible."""
        from kennis.graph.forking import ForkingExecutor

        return ForkingExecutor(self._store, limits)


def _format_for(path: Path) -> Any:
    import pyoxigraph as ox

    suffix = path.suffix.lower()
    return {
        ".nq": ox.RdfFormat.N_QUADS,
        ".nt": ox.RdfFormat.N_TRIPLES,
        ".ttl": ox.RdfFormat.TURTLE,
        ".trig": ox.RdfFormat.TRIG,
    }.get(suffix, ox.RdfFormat.N_QUADS)


def open_executor(settings: "Settings", store: Any, **limit_overrides: Any) -> "QueryExecutor":
    """The killable executor for ``store`` (a :class:`TripleStore` or a raw ``pyoxigraph.Store``)
    with the limits of ``settings``; every SPARQL path (CLI, API, interface) runs through one."""
    from kennis.graph.executor import Limits

    limits = Limits.from_settings(settings, **limit_overrides)
    if not isinstance(store, TripleStore):
        store = OxigraphStore(store)
    return store.executor(limits)


def open_store(settings: "Settings") -> TripleStore:
    """The configured graph store: an external SPARQL server when ``settings.sparql_endpoint``
    is set, else the in-process pyoxigraph store loaded from the built ``graph.nq``."""
    if settings.sparql_endpoint:
        from kennis.graph.remote import RemoteStore

        return RemoteStore(
            settings.sparql_endpoint,
            timeout_s=settings.query_timeout_s,
            store_endpoint=settings.sparql_store_endpoint,
        )
    return OxigraphStore.from_file(settings.kb_dir / "graph.nq")
