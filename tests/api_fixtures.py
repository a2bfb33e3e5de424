"""Shared helpers for the API tests: tiny graphs and a live uvicorn server."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any, Iterator

EX = "http://example.org/kennis-test/"


def small_store(n: int = 50) -> Any:
    """A pyoxigraph store: ``n`` people in named graph ``g1``, labels in ``g2``, one default triple."""
    import pyoxigraph as ox

    store = ox.Store()
    knows, label, age = (ox.NamedNode(EX + p) for p in ("knows", "label", "age"))
    g1, g2 = ox.NamedNode(EX + "g1"), ox.NamedNode(EX + "g2")
    quads = []
    for i in range(n):
        person = ox.NamedNode(f"{EX}person/{i}")
        quads.append(ox.Quad(person, knows, ox.NamedNode(f"{EX}person/{(i + 1) % n}"), g1))
        quads.append(ox.Quad(person, label, ox.Literal(f"persoon {i}", language="nl"), g2))
        quads.append(ox.Quad(person, age, ox.Literal(str(20 + i % 50), datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer")), g2))
    quads.append(ox.Quad(ox.NamedNode(EX + "root"), label, ox.Literal('wortel, "met" komma\ten tab'),
                         ox.DefaultGraph()))
    store.extend(quads)
    return store


def big_store(n: int = 3000) -> Any:
    """Enough triples that a three-way cross product never finishes (n**3 solutions)."""
    import pyoxigraph as ox

    store = ox.Store()
    p = ox.NamedNode(EX + "p")
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s/{i}"), p, ox.Literal(str(i)), ox.DefaultGraph())
                 for i in range(n))
    return store


CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


# --- a live server on loopback ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1 in a thread; yields the base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
