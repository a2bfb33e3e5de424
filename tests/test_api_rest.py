"""/api/*: thin routes over the core, same JSON as the CLI (``to_dict()``), errors translated."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from api_fixtures import ACTOR, PASSAGE, FakeCore, small_store
from kennis.api import create_app
from kennis.config import Settings


@pytest.fixture()
def core():
    return FakeCore()


@pytest.fixture()
def client(core):
    app = create_app(Settings(), core=core, store=small_store(3))
    with TestClient(app) as c:
        yield c


def test_search(client, core):
    r = client.get("/api/search", params={"q": "wie wijst aan", "k": 2, "date": "2015-01-01", "doc": "DOC1"})
    assert r.status_code == 200
    assert r.json() == core.search("wie wijst aan", 2, date(2015, 1, 1), "DOC1").to_dict()
    assert core.calls[0] == ("search", ("wie wijst aan", 2, date(2015, 1, 1), "DOC1", None))


def test_ask(client, core):
    r = client.get("/api/ask", params={"q": "Wie wijst het gebied aan?"})
    assert r.status_code == 200
    body = r.json()
    assert body == core.ask("Wie wijst het gebied aan?").to_dict()
    assert body["sources"][0]["passage"] == PASSAGE.id


def test_actors_and_actor(client, core):
    assert client.get("/api/actors").json() == [ACTOR.to_dict()]
    assert client.get("/api/actors", params={"q": "burge"}).json() == [ACTOR.to_dict()]
    r = client.get("/api/actors/burgemeester", params={"date": "2010-01-01"})
    assert r.status_code == 200 and r.json()["label"] == "burgemeester" and r.json()["date"] == "2010-01-01"
    # an IRI with slashes is one path parameter
    assert client.get(f"/api/actors/{ACTOR.iri}").json()["iri"] == ACTOR.iri


def test_documents_and_passages(client, core):
    docs = client.get("/api/documents").json()
    assert docs == [d.to_dict() for d in core.documents()]
    r = client.get("/api/documents/DOC1/4.2", params={"version": "2020-01-01"})
    assert r.json() == {"passages": [PASSAGE.to_dict()], "notices": []}
    assert ("passages", ("DOC1", "4.2", "2020-01-01", None)) in core.calls
    r = client.get("/api/documents/DOC1/artikel 16 lid 1", params={"date": "2021-02-03"})
    assert r.status_code == 200
    assert ("passages", ("DOC1", "artikel 16 lid 1", None, date(2021, 2, 3))) in core.calls


def test_errors_are_translated(client):
    r = client.get("/api/actors/onbekend")
    assert r.status_code == 404
    assert r.json() == {"error": "onbekende actor: onbekend", "hint": "zie /api/actors"}
    r = client.get("/api/documents/NOPE/1")
    assert r.status_code == 404 and r.json()["error"] == "onbekend document: NOPE"
    r = client.get("/api/search", params={"q": "x", "date": "gisteren"})
    assert r.status_code == 400 and "YYYY-MM-DD" in r.json()["hint"]
    for params in ({"q": "x", "k": 0}, {"q": "x", "k": "veel"}, {}, {"q": "   "}):
        r = client.get("/api/search", params=params)
        assert r.status_code == 400 and r.json()["error"], params
    r = client.get("/api/documents/DOC1/4.2", params={"date": "2020-01-01", "version": "2020-01-01"})
    assert r.status_code == 400


def test_core_bug_is_a_json_500_without_traceback():
    class Broken(FakeCore):
        def documents(self):
            raise ZeroDivisionError("boom")

    app = create_app(Settings(), core=Broken(), store=small_store(3))
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/documents")
    assert r.status_code == 500
    assert r.json() == {"error": "internal server error", "hint": "see the server log"}


def test_healthz_and_openapi(client):
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    for path in ("/sparql", "/api/search", "/api/ask", "/api/actors", "/api/actors/{actor}", "/api/documents",
                 "/api/documents/{doc}/{ref}", "/healthz"):
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    assert {"SearchResult", "Hit", "Answer", "ActorCard", "Passage", "DocumentInfo"} <= set(schemas)
    assert set(schemas["Hit"]["properties"]) == set(FakeCore().search("x").hits[0].to_dict())
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params == {"q", "k", "date", "doc", "kind"}
    assert client.get("/docs").status_code == 200
