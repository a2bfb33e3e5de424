"""Shared helpers for the API tests: tiny graphs, a fake core, a live uvicorn server."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from datetime import date
from typing import Any, Iterator

from kennis.errors import NotFoundError
from kennis.models import (
    ActorCard,
    ActorRef,
    Answer,
    DocumentInfo,
    Hit,
    Passage,
    SearchResult,
    Source,
    VersionInfo,
)

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


# --- a fake core with the Kennis interface ------------------------------------------------------


PASSAGE = Passage(id="DOC1/2020-01-01/4.2/1", doc="DOC1", version="2020-01-01", ref="4.2", n=1,
                  text="De burgemeester wijst het gebied aan.", path=("4 Taken", "4.2 Aanwijzen"))
ACTOR = ActorRef(iri="https://w3id.org/kennis/id/actor/burgemeester", label="burgemeester",
                 alt_labels=("de burgemeester",))


class FakeCore:
    """Just enough of ``kennis.service.Kennis`` for the REST routes; records the calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def search(self, query: str, k: int = 10, date: date | None = None, doc: str | None = None,
               kind: str | None = None) -> SearchResult:
        self.calls.append(("search", (query, k, date, doc, kind)))
        hit = Hit(id=PASSAGE.id, doc="DOC1", version="2020-01-01", ref="4.2", title=PASSAGE.title,
                  score=0.9, text=PASSAGE.text, snippet="wijst het gebied aan")
        return SearchResult(query=query, date=date, hits=(hit,) * min(k, 3))

    def ask(self, question: str, date: date | None = None) -> Answer:
        self.calls.append(("ask", (question, date)))
        return Answer(question=question, answer="De burgemeester.", kind="who", actors=(ACTOR,),
                      sources=(Source(doc="DOC1", version="2020-01-01", ref="4.2",
                                      quote="De burgemeester wijst", passage=PASSAGE.id),), date=date)

    def actors(self, q: str | None = None) -> list[ActorRef]:
        self.calls.append(("actors", (q,)))
        return [ACTOR] if q is None or q in ACTOR.label else []

    def actor(self, name_or_iri: str, date: date | None = None) -> ActorCard:
        self.calls.append(("actor", (name_or_iri, date)))
        if name_or_iri not in (ACTOR.label, ACTOR.iri):
            raise NotFoundError(f"onbekende actor: {name_or_iri}", hint="zie /api/actors")
        return ActorCard(iri=ACTOR.iri, label=ACTOR.label, date=date)

    def documents(self) -> list[DocumentInfo]:
        self.calls.append(("documents", ()))
        v = VersionInfo(doc="DOC1", date=date(2020, 1, 1), path="doc1.md", format="markdown", sha256="0" * 64)
        return [DocumentInfo(id="DOC1", kind="circulaire", title="Testcirculaire", versions=(v,))]

    def passages(self, doc: str, ref: str, version: str | None = None, day: date | None = None) -> list[Passage]:
        self.calls.append(("passages", (doc, ref, version, day)))
        if doc != "DOC1":
            raise NotFoundError(f"onbekend document: {doc}")
        return [PASSAGE]

    def notices_for(self, doc: str, day: date | None = None) -> list[str]:
        return []


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
