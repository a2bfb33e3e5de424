#!/usr/bin/env python
"""Load benchmark of ``kennis serve`` on loopback: throughput and latency under concurrency.

Starts ``kennis serve`` (``python -m kennis.cli serve``) on 127.0.0.1, then for a typical
SPARQL SELECT, ``/api/search`` and ``/api/ask`` runs 1, 8 and 32 concurrent clients and
reports requests/s, p50 and p95. Then it runs 8 clients on the SELECT while one
deliberately heavy query (a cross product) runs, to show it does not stall them, and
reports the server's memory (RSS of the server and its query processes) before and after.

Bounded: each measurement stops after ``--requests`` requests or ``--seconds`` seconds.
Without a built knowledge base in ``--data-dir``, a synthetic graph shaped like ours
(passages, actors, competences with sources) is generated in a temporary folder; routes
the core cannot serve yet (not built) are reported as pending.

    python bench/bench_api.py                      # synthetic graph, prints figures
    python bench/bench_api.py --data-dir data --write bench/RESULTS-api.md
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kennis.ids import BASE, ID_BASE, ONTOLOGY_NS  # noqa: E402

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

TYPICAL_SELECT = f"""
SELECT ?actor ?label ?passage WHERE {{
  ?c <{ONTOLOGY_NS}actor> ?actor ;
     <{ONTOLOGY_NS}source> ?passage .
  ?actor <{RDFS_LABEL}> ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), "burgemeester"))
}} LIMIT 20
"""
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SEARCH_Q = "wie mag een veiligheidsrisicogebied aanwijzen"
ASK_Q = "Wie wijst een veiligheidsrisicogebied aan?"


def synthetic_graph(path: Path, passages: int = 5000, actors: int = 200) -> int:
    """N-Quads shaped like the kennis graph: one named graph per document."""
    lines = []
    names = ["burgemeester", "officier van justitie", "politie", "gemeenteraad", "minister", "NCTV",
             "beveiliger", "korpschef", "driehoek", "coördinator"]
    for i in range(passages):
        doc = f"DOC{i % 20}"
        g = f"<{ID_BASE}graph/{doc}>"
        p = f"<{ID_BASE}passage/{doc}/2020-01-01/{i}/1>"
        lines.append(f"{p} <{RDF_TYPE}> <{ONTOLOGY_NS}Passage> {g} .")
        lines.append(f'{p} <{ONTOLOGY_NS}text> "Passage {i}: de {names[i % 10]} neemt maatregelen '
                     f'ter bescherming van personen en objecten in het decentrale domein." {g} .')
        lines.append(f'{p} <{ONTOLOGY_NS}ref> "{i // 10}.{i % 10}" {g} .')
        lines.append(f"{p} <{ONTOLOGY_NS}document> <{ID_BASE}document/{doc}> {g} .")
    for a in range(actors):
        actor = f"<{ID_BASE}actor/a{a}>"
        lines.append(f"{actor} <{RDF_TYPE}> <{ONTOLOGY_NS}Actor> <{ID_BASE}graph/actors> .")
        lines.append(f'{actor} <{RDFS_LABEL}> "{names[a % 10]} {a}"@nl <{ID_BASE}graph/actors> .')
        for c in range(5):
            comp = f"<{ID_BASE}competence/a{a}c{c}>"
            src = f"<{ID_BASE}passage/DOC{(a + c) % 20}/2020-01-01/{(a * 5 + c) % passages}/1>"
            lines.append(f"{comp} <{ONTOLOGY_NS}actor> {actor} <{ID_BASE}graph/actors> .")
            lines.append(f"{comp} <{ONTOLOGY_NS}source> {src} <{ID_BASE}graph/actors> .")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def rss_tree_mib(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MiB."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as fh:
                    parents[int(name)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                pass
    tree, frontier = {pid}, [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier += kids
    total = 0
    for p in tree:
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(ln.split()[1]) for ln in fh if ln.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total / 1024


def measure(base: str, method: str, path: str, params: dict[str, str], clients: int, max_requests: int,
            max_seconds: float) -> dict[str, Any]:
    """``clients`` threads, each with its own connection, until the request or time budget is spent."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    issued = [0]
    stop_at = time.monotonic() + max_seconds

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            while True:
                with lock:
                    if issued[0] >= max_requests or time.monotonic() > stop_at:
                        return
                    issued[0] += 1
                t0 = time.perf_counter()
                r = c.request(method, path, params=params)
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    q = statistics.quantiles(latencies, n=20) if len(latencies) >= 2 else latencies * 19
    return {
        "clients": clients,
        "requests": len(latencies),
        "rps": len(latencies) / wall if wall else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95_ms": q[18] * 1000 if q else 0.0,
        "statuses": statuses,
    }


def start_server(data_dir: Path, port: int, timeout_s: float) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "KENNIS_DATA_DIR": str(data_dir),
           "KENNIS_QUERY_TIMEOUT_S": str(timeout_s)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kennis.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"kennis serve exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json().get("sparql"):
                return proc
        except (httpx.TransportError, ValueError):
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("kennis serve did not become ready")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, help="data folder with a built kb/ (default: synthetic graph)")
    ap.add_argument("--clients", default="1,8,32")
    ap.add_argument("--requests", type=int, default=400, help="at most this many requests per measurement")
    ap.add_argument("--seconds", type=float, default=10.0, help="at most this long per measurement")
    ap.add_argument("--timeout", type=float, default=5.0, help="KENNIS_QUERY_TIMEOUT_S for the server")
    ap.add_argument("--write", type=Path, help="also write the figures as Markdown to this file")
    args = ap.parse_args()

    tmp = None
    data_dir = args.data_dir
    if data_dir is None or not (data_dir / "kb" / "graph.nq").is_file():
        tmp = tempfile.TemporaryDirectory(prefix="kennis-bench-")
        data_dir = Path(tmp.name)
        (data_dir / "kb").mkdir()
        n = synthetic_graph(data_dir / "kb" / "graph.nq")
        graph_note = f"synthetic graph, {n} quads (no built knowledge base found)"
    else:
        graph_note = f"built graph in {data_dir / 'kb'}"

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    proc = start_server(data_dir, port, args.timeout)
    startup = time.perf_counter() - t0
    out: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        out.append(line)

    try:
        mem_before = rss_tree_mib(proc.pid)
        say(f"# kennis serve load benchmark ({time.strftime('%Y-%m-%d')})")
        say()
        say(f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
            f"loopback 127.0.0.1, server = `kennis serve` (one uvicorn process, one forked worker per query)")
        say(f"- data: {graph_note}; query timeout {args.timeout:g} s")
        say(f"- server ready after {startup:.1f} s; RSS before: {mem_before:.0f} MiB")
        say(f"- each cell: at most {args.requests} requests or {args.seconds:g} s")
        say()
        targets = [
            ("SPARQL SELECT (typical)", "GET", "/sparql", {"query": TYPICAL_SELECT}),
            ("/api/search", "GET", "/api/search", {"q": SEARCH_Q, "k": "10"}),
            ("/api/ask", "GET", "/api/ask", {"q": ASK_Q}),
        ]
        say("| endpoint | clients | requests | req/s | p50 ms | p95 ms | statuses |")
        say("|---|---:|---:|---:|---:|---:|---|")
        pending = []
        for name, method, path, params in targets:
            probe = httpx.request(method, base + path, params=params, timeout=120)
            if probe.status_code != 200:
                pending.append(f"{name}: HTTP {probe.status_code} {probe.text[:160]}")
                say(f"| {name} | - | - | - | - | - | pending (HTTP {probe.status_code}) |")
                continue
            for clients in [int(c) for c in args.clients.split(",")]:
                m = measure(base, method, path, params, clients, args.requests, args.seconds)
                say(f"| {name} | {clients} | {m['requests']} | {m['rps']:.0f} | {m['p50_ms']:.1f} | "
                    f"{m['p95_ms']:.1f} | {m['statuses']} |")
        say()

        # one heavy query while 8 clients run the typical SELECT
        heavy: dict[str, Any] = {}

        def run_heavy() -> None:
            h0 = time.perf_counter()
            r = httpx.get(f"{base}/sparql", params={"query": HEAVY}, timeout=120)
            heavy.update(status=r.status_code, seconds=time.perf_counter() - h0, text=r.text[:120])

        quiet = measure(base, "GET", "/sparql", {"query": TYPICAL_SELECT}, 8, args.requests, args.seconds)
        thread = threading.Thread(target=run_heavy)
        thread.start()
        time.sleep(0.2)
        mem_during = rss_tree_mib(proc.pid)
        busy = measure(base, "GET", "/sparql", {"query": TYPICAL_SELECT}, 8, args.requests,
                       min(args.seconds, args.timeout - 0.5))
        thread.join()
        say("Heavy query (three-way cross product) running while 8 clients send the typical SELECT:")
        say()
        say("| condition | requests | req/s | p50 ms | p95 ms | statuses |")
        say("|---|---:|---:|---:|---:|---|")
        say(f"| alone | {quiet['requests']} | {quiet['rps']:.0f} | {quiet['p50_ms']:.1f} | "
            f"{quiet['p95_ms']:.1f} | {quiet['statuses']} |")
        say(f"| with heavy query | {busy['requests']} | {busy['rps']:.0f} | {busy['p50_ms']:.1f} | "
            f"{busy['p95_ms']:.1f} | {busy['statuses']} |")
        say()
        say(f"- heavy query: HTTP {heavy.get('status')} after {heavy.get('seconds', 0):.2f} s "
            f"(timeout {args.timeout:g} s): {heavy.get('text', '')!r}")
        time.sleep(0.5)
        mem_after = rss_tree_mib(proc.pid)
        say(f"- memory (RSS, server + query processes): before {mem_before:.0f} MiB, during heavy query "
            f"{mem_during:.0f} MiB, after {mem_after:.0f} MiB")
        alive = httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        say(f"- server still answering /healthz afterwards: {alive}")
        if pending:
            say()
            say("Pending (the core cannot serve these yet):")
            for p in pending:
                say(f"- {p}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        if tmp is not None:
            tmp.cleanup()
    if args.write:
        args.write.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
