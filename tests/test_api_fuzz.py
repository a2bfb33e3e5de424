"""Property-based fuzzing: no input to /sparql or /api/* yields a 500 (or a stack trace)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api_fixtures import small_store
from kennis.api import create_app
from kennis.config import Settings

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def client(built_kennis):
    from dataclasses import replace

    settings = replace(built_kennis.settings, query_timeout_s=5, max_result_rows=200)
    app = create_app(settings, store=small_store(20), core=built_kennis)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def asgi_get(app, query_string: bytes, path: str = "/sparql") -> tuple[int, bytes]:
    """Call the ASGI app directly with a raw query string (clients would re-encode or refuse it)."""
    import anyio

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query_string,
        "root_path": "", "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    anyio.run(app, scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@FUZZ
@given(raw=st.binary(max_size=300))
def test_raw_query_string_bytes(client, raw):
    status, body = asgi_get(client.app, raw)
    assert status != 500 and status < 500 and b"Traceback" not in body


def test_a_raw_hash_in_the_query_string_is_not_a_fragment_of_the_endpoint(client):
    # a "#" with a space after it once ended up in the service description's endpoint IRI
    status, body = asgi_get(client.app, b"x#a b")
    assert status == 200, body[:300]
    assert b"#a b" not in body


def _ok(r) -> None:
    """Never a 500; 503 only for a stopped query; errors are JSON or text, never a traceback."""
    assert r.status_code != 500, r.text[:500]
    assert r.status_code < 500 or (r.status_code == 503 and "stopped" in r.text), r.text[:500]
    assert "Traceback" not in r.text
    if r.status_code >= 400 and r.headers.get("content-type", "").startswith("application/json"):
        assert "error" in r.json()


_TOKENS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o", "$x", ".", ";",
    ",", "*", "FILTER", "OPTIONAL", "UNION", "GRAPH", "MINUS", "BIND", "AS", "VALUES", "LIMIT", "OFFSET",
    "ORDER BY", "GROUP BY", "COUNT(*)", "PREFIX", "ex:", "<http://example.org/kennis-test/label>", "<",
    ">", "\"lit\"", "'x'", "\"\"\"", "@nl", "^^", "1", "-2.5e3", "a", "SERVICE", "INSERT", "DELETE", "DATA",
    "LOAD", "FROM", "NAMED", "#", "\n", "\\", "%", "_:b", "[]", "<<", ">>", "REGEX(?o, \"(a+)+$\")",
    "STR(?o)", "LANG(?o)", "DISTINCT", "REDUCED", "EXISTS", "NOT", "IN", "&&", "||", "!", "=",
]
sparqlish = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=25).map(" ".join)


@FUZZ
@given(body=st.binary(max_size=2000),
       ctype=st.sampled_from(["application/x-www-form-urlencoded", "application/sparql-query",
                              "application/sparql-query; charset=latin-1", "application/sparql-update",
                              "text/plain", "", "multipart/form-data; boundary=x", "application/json"]))
def test_random_bytes_posted(client, body, ctype):
    headers = {"Content-Type": ctype} if ctype else {}
    _ok(client.post("/sparql", content=body, headers=headers))


@FUZZ
@given(query=st.one_of(sparqlish, st.text(max_size=300)))
def test_malformed_sparql(client, query):
    _ok(client.get("/sparql", params={"query": query}))
    _ok(client.post("/sparql", content=query.encode("utf-8", "surrogatepass"),
                    headers={"Content-Type": "application/sparql-query"}))


_PCT = st.lists(
    st.one_of(
        st.sampled_from(["%", "%Z", "%ZZ", "%FF", "%C3%28", "%ED%A0%80", "%00", "%E2%82", "+", "&", "=",
                         "query=", "default-graph-uri=", "update=", "%3F", "ASK%20%7B%7D"]),
        st.text(alphabet="ASKSELECT{}?* abc", max_size=5),
    ),
    max_size=12,
).map("".join)


@FUZZ
@given(raw=_PCT)
def test_bad_percent_encoding_in_url_and_form(client, raw):
    _ok(client.get("/sparql?" + raw))
    _ok(client.post("/sparql", content=raw.encode(), headers={"Content-Type": "application/x-www-form-urlencoded"}))


@FUZZ
@given(raw=st.binary(min_size=1, max_size=200))
def test_invalid_utf8_query(client, raw):
    body = b"ASK { ?s ?p \"" + raw + b"\" }"
    r = client.post("/sparql", content=body, headers={"Content-Type": "application/sparql-query"})
    _ok(r)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        assert r.status_code == 400


@FUZZ
@given(accept=st.one_of(st.text(max_size=100),
                        st.sampled_from(["image/png", "application/x-unknown", "*/*;q=0", "text/*;q=abc",
                                         "application/sparql-results+json;q=0", ";;;,,,", "*/json"])),
       query=st.sampled_from(["ASK {}", "SELECT * { ?s ?p ?o } LIMIT 2", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
                              "DESCRIBE ?s WHERE { ?s ?p ?o } LIMIT 1", ""]))
def test_unknown_accept(client, accept, query):
    raw = accept.encode("utf-8").replace(b"\r", b"").replace(b"\n", b"")  # any bytes, one header line
    r = client.get("/sparql", params={"query": query} if query else {}, headers={"Accept": raw})
    _ok(r)
    assert r.status_code in (200, 406, 400), r.text


def test_one_megabyte_queries(client):
    meg = "SELECT * WHERE { ?s ?p ?o } # " + "x" * (1024 * 1024)
    _ok(r := client.post("/sparql", content=meg, headers={"Content-Type": "application/sparql-query"}))
    assert r.status_code == 413
    _ok(r := client.post("/sparql", data={"query": meg}))
    assert r.status_code == 413
    status, body = asgi_get(client.app, b"query=" + quote(meg).encode())  # past any client URL limit
    assert status == 413 and b"limit is" in body
    values = "SELECT * WHERE { VALUES ?x { " + " ".join(f'"{i}"' for i in range(150_000)) + " } }"
    _ok(client.post("/sparql", content=values, headers={"Content-Type": "application/sparql-query"}))


@FUZZ
@given(path=st.sampled_from(["/api/search", "/api/ask", "/api/actors", "/api/documents",
                             "/api/actors/x", "/api/documents/BWBR9000001/1.1", "/api/documents/NOPE/1"]),
       params=st.dictionaries(st.sampled_from(["q", "k", "date", "doc", "kind", "version"]),
                              st.one_of(st.text(max_size=40), st.integers(-5, 500).map(str)), max_size=4))
def test_rest_routes_never_500(client, path, params):
    _ok(client.get(path, params=params))
