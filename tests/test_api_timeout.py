"""A runaway query is stopped at the time limit (503) while other queries keep being served."""

from __future__ import annotations

import os
import threading
import time

import httpx
import pytest

from api_fixtures import CROSS_PRODUCT, big_store, live_server
from kennis.api import create_app
from kennis.config import Settings

TIMEOUT_S = 2.0


def _children(pid: int) -> set[int]:
    out = set()
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(name))
    return out


@pytest.fixture(scope="module")
def server():
    app = create_app(Settings(query_timeout_s=TIMEOUT_S), store=big_store(3000))
    with live_server(app) as url:
        yield url, app


def test_cross_product_is_stopped_while_a_simple_query_answers(server):
    url, app = server
    heavy: dict[str, object] = {}

    def run_heavy() -> None:
        t0 = time.monotonic()
        with httpx.Client(timeout=30) as c:
            r = c.get(f"{url}/sparql", params={"query": CROSS_PRODUCT})
        heavy.update(status=r.status_code, body=r.json(), elapsed=time.monotonic() - t0)

    thread = threading.Thread(target=run_heavy)
    thread.start()
    time.sleep(0.2)  # the heavy query is running now
    with httpx.Client(timeout=30) as c:
        t0 = time.monotonic()
        r = c.get(f"{url}/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"})
        simple_elapsed = time.monotonic() - t0
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 3
    assert simple_elapsed < 1.0, simple_elapsed
    zygote = app.state.runtime.executor().zygote_pid
    heavy_workers = {p for p in _children(zygote) if _alive(p)}
    assert heavy_workers  # the heavy query's worker process, still running
    thread.join(timeout=30)
    assert heavy["status"] == 503
    assert "stopped after 2 s" in heavy["body"]["error"]
    assert TIMEOUT_S <= heavy["elapsed"] < TIMEOUT_S + 1.5
    # the worker was killed (not left burning a core), and the server keeps serving
    deadline = time.monotonic() + 3
    while any(_alive(p) for p in heavy_workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in heavy_workers)
    with httpx.Client(timeout=5) as c:
        assert c.get(f"{url}/healthz").json()["status"] == "ok"
        assert c.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_several_runaway_queries_do_not_block_the_server(server):
    url, _ = server
    results: list[int] = []

    def run_heavy() -> None:
        with httpx.Client(timeout=30) as c:
            results.append(c.get(f"{url}/sparql", params={"query": CROSS_PRODUCT}).status_code)

    threads = [threading.Thread(target=run_heavy) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    with httpx.Client(timeout=30) as c:
        for _ in range(5):
            t0 = time.monotonic()
            assert c.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
            assert time.monotonic() - t0 < 1.0
    for t in threads:
        t.join(timeout=30)
    assert results == [503, 503, 503]
