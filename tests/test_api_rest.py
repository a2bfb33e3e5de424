"""/api/*: thin routes over the real core on the fixture corpus; the same JSON as the CLI
(``to_dict()``), errors translated. No fake core: what the routes return is compared with
what :class:`kennis.service.Kennis` itself returns."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from kennis.api import create_app
from kennis.errors import KennisError
from kennis.models import Hit
from kennis.service import Kennis


@pytest.fixture(scope="module")
def kennis(built_kennis: Kennis) -> Kennis:
    return built_kennis


@pytest.fixture(scope="module")
def client(kennis: Kennis) -> Iterator[TestClient]:
    with TestClient(create_app(kennis.settings, core=kennis)) as c:
        yield c


def _error(call) -> dict[str, str | None]:
    with pytest.raises(KennisError) as info:
        call()
    return {"error": info.value.message, "hint": info.value.hint}


def test_search(client: TestClient, kennis: Kennis) -> None:
    params = {"q": "gezag stallingen", "k": 2, "date": "2011-01-01", "doc": "BWBR9000001"}
    r = client.get("/api/search", params=params)
    assert r.status_code == 200
    body = r.json()
    assert body == kennis.search("gezag stallingen", k=2, date=date(2011, 1, 1), doc="BWBR9000001").to_dict()
    assert 1 <= len(body["hits"]) <= 2
    assert {(h["doc"], h["version"]) for h in body["hits"]} == {("BWBR9000001", "2010-01-01")}


def test_search_k_defaults_to_the_setting(kennis: Kennis) -> None:
    core = Kennis(replace(kennis.settings, k=1))
    with TestClient(create_app(core.settings, core=core)) as c:
        hits = c.get("/api/search", params={"q": "toezicht stallingen"}).json()["hits"]
    assert len(hits) == 1
    assert len(kennis.search("toezicht stallingen", k=10).hits) > 1  # so the setting made the difference


def test_ask(client: TestClient, kennis: Kennis) -> None:
    question = "Wie draagt het gezag over de stallingen?"
    r = client.get("/api/ask", params={"q": question})
    assert r.status_code == 200
    body = r.json()
    assert body == kennis.ask(question).to_dict()
    assert body["actors"] and body["sources"] and body["sources"][0]["passage"].startswith("BWBR900000")


def test_actors_and_actor(client: TestClient, kennis: Kennis) -> None:
    actors = kennis.actors()
    assert client.get("/api/actors").json() == [a.to_dict() for a in actors]
    assert client.get("/api/actors", params={"q": "stalling"}).json() == [a.to_dict() for a in kennis.actors("stalling")]
    r = client.get("/api/actors/SC", params={"date": "2016-01-01"})  # by abbreviation
    assert r.status_code == 200
    assert r.json() == kennis.actor("SC", date=date(2016, 1, 1)).to_dict()
    assert r.json()["label"] == "stallingscoördinator" and r.json()["date"] == "2016-01-01"
    # an IRI with slashes is one path parameter
    iri = actors[0].iri
    assert client.get(f"/api/actors/{iri}").json()["iri"] == iri


def test_documents_and_passages(client: TestClient, kennis: Kennis) -> None:
    assert client.get("/api/documents").json() == [d.to_dict() for d in kennis.documents()]
    r = client.get("/api/documents/BWBR9000001/1.1", params={"version": "2010-01-01"})
    assert r.status_code == 200
    expected = kennis.passages("BWBR9000001", "1.1", version="2010-01-01")
    assert r.json() == {"passages": [p.to_dict() for p in expected], "notices": []}
    assert "wethouder draagt het gezag" in r.json()["passages"][0]["text"]
    r = client.get("/api/documents/BWBR9000001/1.1", params={"date": "2013-01-01"})
    assert [p["version"] for p in r.json()["passages"]] == ["2012-06-01"]
    assert r.json()["notices"] == kennis.notices_for("BWBR9000001", date(2013, 1, 1))
    r = client.get("/api/documents/BWBR9000003/artikel 3 lid 2")
    assert r.status_code == 200 and r.json()["passages"][0]["ref"] == "artikel 3 lid 2"


def test_errors_are_translated(client: TestClient, kennis: Kennis) -> None:
    r = client.get("/api/actors/onbekend")
    assert r.status_code == 404
    assert r.json() == _error(lambda: kennis.actor("onbekend"))
    r = client.get("/api/documents/NOPE/1")
    assert r.status_code == 404 and r.json() == _error(lambda: kennis.passages("NOPE", "1"))
    r = client.get("/api/search", params={"q": "x", "date": "gisteren"})
    assert r.status_code == 400 and "YYYY-MM-DD" in r.json()["hint"]
    for params in ({"q": "x", "k": 0}, {"q": "x", "k": "veel"}, {}, {"q": "   "}):
        r = client.get("/api/search", params=params)
        assert r.status_code == 400 and r.json()["error"], params
    r = client.get("/api/documents/BWBR9000001/1.1", params={"date": "2020-01-01", "version": "2010-01-01"})
    assert r.status_code == 400


def test_core_bug_is_a_json_500_without_traceback(kennis: Kennis) -> None:
    class Broken(Kennis):
        def documents(self):  # type: ignore[no-untyped-def]
            raise ZeroDivisionError("boom")

    broken = Broken(kennis.settings)
    with TestClient(create_app(broken.settings, core=broken), raise_server_exceptions=False) as c:
        r = c.get("/api/documents")
    assert r.status_code == 500
    assert r.json() == {"error": "internal server error", "hint": "see the server log"}


def test_healthz_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    for path in ("/sparql", "/api/search", "/api/ask", "/api/actors", "/api/actors/{actor}", "/api/documents",
                 "/api/documents/{doc}/{ref}", "/healthz"):
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    assert {"SearchResult", "Hit", "Answer", "ActorCard", "Passage", "DocumentInfo"} <= set(schemas)
    assert set(schemas["Hit"]["properties"]) == {f.name for f in fields(Hit)}
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params == {"q", "k", "date", "doc", "kind"}
    assert client.get("/docs").status_code == 200


def test_the_endpoint_runs_on_the_cores_executor(client: TestClient, kennis: Kennis) -> None:
    """One SPARQL path: /sparql and Kennis.sparql share the killable executor."""
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
    r = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert r.content == kennis.sparql_result(query, "json").body
    assert client.app.state.runtime.executor() is kennis.executor  # type: ignore[attr-defined]
