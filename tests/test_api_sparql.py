"""/sparql: W3C protocol conformance, negotiation, read-only safety, caps, errors."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api_fixtures import EX, small_store
from conformance_app import CONFORMANCE_DIR, conformance_store
from kennis.api import create_app
from kennis.config import Settings

RUNNER = CONFORMANCE_DIR / "protocol_runner.py"
needs_conformance = pytest.mark.skipif(not RUNNER.is_file(), reason="../shared/conformance not present")


@pytest.fixture(scope="module")
def conformance_client():
    app = create_app(Settings(), store=conformance_store())
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def client():
    app = create_app(Settings(max_result_rows=100, max_query_bytes=5_000), store=small_store())
    with TestClient(app) as c:
        yield c


def _runner():
    spec = importlib.util.spec_from_file_location("protocol_runner", RUNNER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- W3C SPARQL 1.1 Protocol tests -------------------------------------------------------------------


@needs_conformance
def test_w3c_protocol_all_query_tests_pass_and_bad_updates_are_refused(conformance_client):
    runner = _runner()
    outcomes = {}
    for test in runner.load(str(runner.DEFAULT_MANIFEST)):
        error = None
        for r in test["requests"]:
            rest = r["path"][len("/sparql/"):]
            path = "/sparql" + (rest if rest.startswith("?") or not rest else "/" + rest)
            content = None if r["body"] is None else r["body"].encode(r["encoding"])
            resp = conformance_client.request(r["method"], path, headers=r["headers"], content=content)
            if test["update"]:
                # a read-only endpoint refuses every update, well-formed or not, with a 4xx
                error = None if 400 <= resp.status_code < 500 else f"update got {resp.status_code}"
                break
            error = runner.check(resp, r)
            if error:
                break
        outcomes[test["id"]] = error
    queries = {t: e for t, e in outcomes.items() if "update" not in t}
    bad_updates = {t: e for t, e in outcomes.items() if t.startswith("bad_update") or t == "bad_multiple_updates"}
    assert len(queries) == 20 and len(bad_updates) == 7
    assert {t: e for t, e in queries.items() if e} == {}
    assert {t: e for t, e in bad_updates.items() if e} == {}


@needs_conformance
def test_w3c_protocol_runner_line():
    """The official runner, as CI runs it: all 20 query tests and the 7 bad_update tests pass;
    the 7 update tests that expect success cannot pass on a read-only endpoint."""
    env = {**os.environ, "KENNIS_CONFORMANCE_APP": "1",
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(Path(__file__).parents[1] / "src")])}
    out = subprocess.run([sys.executable, str(RUNNER), "--app", "conformance_app:app"], env=env,
                         capture_output=True, text=True, timeout=300, cwd=str(Path(__file__).parent))
    lines = out.stdout.strip().splitlines()
    assert "query  tests: 20 passed, 0 failed" in lines, out.stdout + out.stderr
    failed = [ln for ln in lines if ln.strip().startswith("FAIL")]
    assert failed and all(ln.split()[-4].startswith("update_") or "[update] update_" in ln for ln in failed)
    assert not any("bad_" in ln for ln in failed)
    assert lines[-1] == "27 passed, 7 failed"


# --- negotiation -----------------------------------------------------------------------------------


SELECT = f"SELECT ?s ?l WHERE {{ ?s <{EX}label> ?l }} ORDER BY ?s LIMIT 5"


@pytest.mark.parametrize(
    "accept, media, fmt",
    [
        (None, "application/sparql-results+json", "JSON"),
        ("application/sparql-results+json", "application/sparql-results+json", "JSON"),
        ("application/sparql-results+xml", "application/sparql-results+xml", "XML"),
        ("text/csv", "text/csv", "CSV"),
        ("text/tab-separated-values", "text/tab-separated-values", "TSV"),
        ("text/html;q=0.9, text/csv;q=0.5, */*;q=0.1", "text/csv", "CSV"),
        ("application/*", "application/sparql-results+json", "JSON"),
    ],
)
def test_select_formats(client, accept, media, fmt):
    import pyoxigraph as ox

    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", params={"query": SELECT}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    if fmt != "CSV":  # pyoxigraph parses JSON, XML and TSV results; CSV is lossy
        rows = list(ox.parse_query_results(r.content, getattr(ox.QueryResultsFormat, fmt)))
        assert len(rows) == 5
    else:
        assert r.text.splitlines()[0] == "s,l"
        assert len(r.text.strip().splitlines()) == 6


def test_select_roundtrip_matches_store(client):
    """The hand-written serialisers agree with pyoxigraph's own (languages, datatypes, escapes)."""
    import pyoxigraph as ox

    store = small_store()
    q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 80"
    expected = [tuple(sol) for sol in store.query(q, use_default_graph_as_union=True)]
    for fmt, accept in (("JSON", "application/sparql-results+json"), ("XML", "application/sparql-results+xml"),
                        ("TSV", "text/tab-separated-values")):
        r = client.post("/sparql", content=q, headers={"Content-Type": "application/sparql-query", "Accept": accept})
        assert r.status_code == 200
        got = [tuple(sol) for sol in ox.parse_query_results(r.content, getattr(ox.QueryResultsFormat, fmt))]
        assert got == expected, fmt


@pytest.mark.parametrize(
    "accept, media, fmt",
    [
        (None, "text/turtle", "TURTLE"),
        ("application/n-triples", "application/n-triples", "N_TRIPLES"),
        ("application/rdf+xml", "application/rdf+xml", "RDF_XML"),
        ("application/ld+json", "application/ld+json", "JSON_LD"),
    ],
)
def test_construct_formats(client, accept, media, fmt):
    import pyoxigraph as ox

    q = f"CONSTRUCT {{ ?s <{EX}label> ?l }} WHERE {{ ?s <{EX}label> ?l }}"
    r = client.post("/sparql", data={"query": q}, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    assert len(list(ox.parse(r.content, getattr(ox.RdfFormat, fmt)))) == 51


def test_describe_and_ask(client):
    r = client.get("/sparql", params={"query": f"DESCRIBE <{EX}person/1>"}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and f"<{EX}person/1>" in r.text
    r = client.get("/sparql", params={"query": f"ASK {{ <{EX}person/1> ?p ?o }}"},
                   headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and "<boolean>true</boolean>" in r.text


def test_not_acceptable(client):
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "accept" in r.json()["hint"]
    # an RDF-only Accept for a SELECT: decided after evaluation, still 406
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406


def test_dataset_protocol_overrides_and_union_default(client):
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}label> ?l }}"
    union = client.get("/sparql", params={"query": q}).json()
    assert union["results"]["bindings"][0]["n"]["value"] == "51"  # 50 in g2 + 1 in the default graph
    only_g2 = client.get("/sparql", params={"query": q, "default-graph-uri": EX + "g2"}).json()
    assert only_g2["results"]["bindings"][0]["n"]["value"] == "50"
    r = client.get("/sparql", params={"query": q, "default-graph-uri": "not an iri"})
    assert r.status_code == 400


def test_service_description(client):
    import pyoxigraph as ox

    r = client.get("/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, ox.RdfFormat.TURTLE))
    types = {str(t.object.value) for t in triples if t.predicate.value.endswith("#type")}
    assert "http://www.w3.org/ns/sparql-service-description#Service" in types
    assert any(t.predicate.value.endswith("#endpoint") for t in triples)
    r = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")


# --- safety ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, kwargs",
    [
        ("get", {"params": {"update": "CLEAR ALL"}}),
        ("post", {"data": {"update": "INSERT DATA { <a:b> <a:c> <a:d> }"}}),
        ("post", {"content": "DROP ALL", "headers": {"Content-Type": "application/sparql-update"}}),
        ("post", {"data": {"query": "LOAD <http://example.org/x.ttl>"}}),
        ("post", {"data": {"query": "# comment\nPREFIX ex: <http://e/>\nDELETE WHERE { ?s ?p ?o }"}}),
        ("get", {"params": {"query": "insert data { <a:b> <a:c> <a:d> }"}}),
    ],
)
def test_updates_refused(client, method, kwargs):
    r = getattr(client, method)("/sparql", **kwargs)
    assert r.status_code == 403, r.text
    assert "read-only" in r.json()["error"]
    assert client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}).json()[
        "results"]["bindings"][0]["n"]["value"] == "151"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { service silent <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o .SERVICE<http://127.0.0.1:1/>{?a ?b ?c} }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?s < ?o) SERVICE ?x { ?a ?b ?c } }",
    ],
)
def test_service_refused(client, query):
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 400
    assert "SERVICE" in r.json()["error"]


def test_service_word_in_strings_iris_and_names_is_fine(client):
    q = ('PREFIX service: <http://example.org/service#> '
         'SELECT ?service WHERE { BIND("SERVICE <x> {}" AS ?service) '
         'OPTIONAL { ?service <http://example.org/SERVICE> service:SERVICE } } # SERVICE')
    assert client.get("/sparql", params={"query": q}).status_code == 200


def test_row_cap_refuses_and_says_so(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 413
    body = r.json()
    assert "more than 100 rows" in body["error"] and "refused, not truncated" in body["error"]
    assert "LIMIT" in body["hint"]
    assert client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 100"}).status_code == 200
    r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert r.status_code == 413


def test_query_size_cap(client):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 6000
    r = client.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and "limit is 5000" in r.json()["error"]
    r = client.post("/sparql", content=b"query=" + b"x" * 200_000,
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


def test_errors_are_json_without_traceback(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p"})
    assert r.status_code == 400
    body = r.json()
    assert body["error"].startswith("SPARQL syntax error") and "Traceback" not in r.text
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p"}, headers={"Accept": "text/plain"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    r = client.put("/sparql", content="ASK {}")
    assert r.status_code == 405 and "error" in r.json()
    r = client.get("/nope")
    assert r.status_code == 404 and "error" in r.json()


def test_cors_off_by_default_and_configurable():
    origin = {"Origin": "https://ui.example"}
    app = create_app(Settings(), store=small_store(3))
    with TestClient(app) as c:
        assert "access-control-allow-origin" not in c.get("/healthz", headers=origin).headers
    app = create_app(Settings(cors_origins="https://ui.example"), store=small_store(3))
    with TestClient(app) as c:
        r = c.get("/sparql", params={"query": "ASK {}"}, headers=origin)
        assert r.headers["access-control-allow-origin"] == "https://ui.example"
        r = c.options("/sparql", headers={**origin, "Access-Control-Request-Method": "POST"})
        assert r.status_code == 200


def test_not_built_is_503_with_hint(tmp_path):
    app = create_app(Settings(data_dir=tmp_path))
    with TestClient(app) as c:
        assert c.get("/healthz").json()["sparql"] is False
        r = c.get("/sparql", params={"query": "ASK {}"})
        assert r.status_code == 503
        assert "kennis build" in r.json()["hint"]


def test_graph_file_store_and_json_escaping(tmp_path):
    """The default store path: ``<kb_dir>/graph.nq`` loaded by :func:`open_store`."""
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "graph.nq").write_text(
        f'<{EX}a> <{EX}label> "tekst met \\"quotes\\" en é"@nl <{EX}g> .\n', encoding="utf-8")
    (kb / "corpus.json").write_text("{}", encoding="utf-8")  # "built", as far as the endpoint looks
    app = create_app(Settings(data_dir=tmp_path))
    with TestClient(app) as c:
        r = c.get("/sparql", params={"query": f"SELECT ?l {{ <{EX}a> <{EX}label> ?l }}"})
        assert r.status_code == 200
        binding = json.loads(r.content)["results"]["bindings"][0]["l"]
        assert binding == {"type": "literal", "value": 'tekst met "quotes" en é', "xml:lang": "nl"}
