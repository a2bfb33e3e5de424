"""ASGI app for ``protocol_runner.py --app conformance_app:app`` (a test helper, not a test).

Holds the W3C protocol test graphs data1/2/3.nt as the named graphs the manifest names.
"""

from __future__ import annotations

import os
from pathlib import Path

from kennis.api import create_app
from kennis.config import Settings

CONFORMANCE_DIR = Path(
    os.environ.get("KENNIS_CONFORMANCE_DIR", Path(__file__).resolve().parents[2] / "shared" / "conformance")
)
_GRAPH_BASE = "http://kasei.us/2009/09/sparql/data/"


def conformance_store():
    """A pyoxigraph store with dataN.nt loaded into the graph ``http://kasei.us/.../dataN.rdf``."""
    import pyoxigraph as ox

    store = ox.Store()
    for n in (1, 2, 3):
        path = CONFORMANCE_DIR / "sparql11-protocol" / f"data{n}.nt"
        store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES,
                   to_graph=ox.NamedNode(f"{_GRAPH_BASE}data{n}.rdf"))
    return store


def make_app():
    return create_app(Settings(), store=conformance_store())  # /sparql only: the core never loads


app = make_app() if os.environ.get("KENNIS_CONFORMANCE_APP") == "1" else None
