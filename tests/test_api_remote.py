"""The external-store backend against a real Oxigraph server: same answers as in-process."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api_fixtures import CROSS_PRODUCT, EX, free_port, small_store
from kennis.api import create_app
from kennis.config import Settings
from kennis.errors import QueryError
from kennis.graph.remote import RemoteStore, StoreUnavailableError
from kennis.graph.store import OxigraphStore, open_store

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
pytestmark = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server (PyPI package oxigraph) is not installed")


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory):
    import pyoxigraph as ox

    path = tmp_path_factory.mktemp("kb") / "graph.nq"
    path.write_bytes(ox.serialize(small_store().quads_for_pattern(None, None, None, None),
                                  format=ox.RdfFormat.N_QUADS))
    return path


@pytest.fixture(scope="module")
def server(graph_file):
    port = free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}", "--timeout-s", "5"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("oxigraph serve did not start")
                time.sleep(0.1)
        store = RemoteStore(f"{base}/query", store_endpoint=f"{base}/store", timeout_s=10)
        store.load(graph_file)  # the Graph Store Protocol, as one would load the built graph
        store.close()
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture()
def stores(server, graph_file):
    remote = open_store(Settings(sparql_endpoint=f"{server}/query", sparql_store_endpoint=f"{server}/store"))
    local = OxigraphStore.from_file(graph_file)
    yield local, remote
    remote.close()


QUERIES = [
    f"SELECT ?s ?l WHERE {{ ?s <{EX}label> ?l }} ORDER BY ?s",
    f"SELECT ?a ?b WHERE {{ ?a <{EX}knows> ?b . ?b <{EX}age> ?age FILTER(?age > 40) }} ORDER BY ?a",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    f"SELECT ?s ?x WHERE {{ ?s <{EX}label> ?l OPTIONAL {{ ?s <{EX}nope> ?x }} }} ORDER BY ?s LIMIT 3",
]


def test_triple_store_protocol_same_answers(stores):
    local, remote = stores
    for q in QUERIES:
        assert remote.select(q) == local.select(q), q
    assert remote.ask(f"ASK {{ <{EX}person/3> <{EX}knows> <{EX}person/4> }}") is True
    assert local.ask(f"ASK {{ <{EX}person/3> <{EX}knows> <{EX}person/4> }}") is True
    assert len(remote) == len(local) == 151


def test_remote_errors(stores, server):
    _, remote = stores
    with pytest.raises(QueryError):
        remote.select("SELECT * WHERE {")
    dead = RemoteStore(f"http://127.0.0.1:{free_port()}/query", timeout_s=2)
    with pytest.raises(StoreUnavailableError):
        dead.select("SELECT * {}")


def _apps(server, graph_file):
    local = create_app(Settings(max_result_rows=100), store=OxigraphStore.from_file(graph_file))
    remote = create_app(Settings(sparql_endpoint=f"{server}/query", max_result_rows=100))
    return local, remote


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_sparql_endpoint_same_answers(server, graph_file, accept):
    local_app, remote_app = _apps(server, graph_file)
    with TestClient(local_app) as local, TestClient(remote_app) as remote:
        for q in QUERIES + [f"ASK {{ <{EX}person/1> ?p ?o }}"]:
            if q.startswith("ASK") and accept.startswith("text/"):
                continue
            a = local.get("/sparql", params={"query": q}, headers={"Accept": accept})
            b = remote.get("/sparql", params={"query": q}, headers={"Accept": accept})
            assert a.status_code == b.status_code == 200, (q, b.text)
            assert a.headers["content-type"] == b.headers["content-type"]
            assert a.content == b.content, q


def test_sparql_endpoint_same_graphs_limits_and_errors(server, graph_file):
    import pyoxigraph as ox

    local_app, remote_app = _apps(server, graph_file)
    with TestClient(local_app) as local, TestClient(remote_app) as remote:
        q = f"CONSTRUCT {{ ?s <{EX}label> ?l }} WHERE {{ ?s <{EX}label> ?l }}"
        a = local.get("/sparql", params={"query": q}, headers={"Accept": "application/n-triples"})
        b = remote.get("/sparql", params={"query": q}, headers={"Accept": "application/n-triples"})
        assert set(ox.parse(a.content, ox.RdfFormat.N_TRIPLES)) == set(ox.parse(b.content, ox.RdfFormat.N_TRIPLES))
        ds = {"query": f"SELECT (COUNT(*) AS ?n) {{ ?s <{EX}label> ?l }}", "default-graph-uri": EX + "g2"}
        assert local.get("/sparql", params=ds).json() == remote.get("/sparql", params=ds).json()
        for params, status in [({"query": "SELECT * { ?s ?p ?o }"}, 413), ({"query": "ASK {"}, 400),
                               ({"update": "CLEAR ALL"}, 403),
                               ({"query": "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"}, 400)]:
            assert local.get("/sparql", params=params).status_code == status
            assert remote.get("/sparql", params=params).status_code == status


def test_remote_timeout_is_503(server, graph_file):
    app = create_app(Settings(sparql_endpoint=f"{server}/query", query_timeout_s=1.5))
    with TestClient(app) as c:
        t0 = time.monotonic()
        r = c.get("/sparql", params={"query": CROSS_PRODUCT.replace("?g ?h ?i", "?g ?h ?i . ?j ?k ?l")})
        assert r.status_code == 503 and "stopped" in r.json()["error"]
        assert time.monotonic() - t0 < 4
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200
