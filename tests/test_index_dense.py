"""The dense index: exact below a size, approximate (HNSW) above, searchable either way."""

from __future__ import annotations

from datetime import date

import numpy as np

from kennis.corpus import ingest
from kennis.index import Searcher, build_index
from kennis.index import build as build_mod
from kennis.index.build import dense_index


def _clustered(n: int, dim: int = 32, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dim))
    v = centres[rng.integers(0, 40, n)] + 0.4 * rng.standard_normal((n, dim))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_exact_below_the_threshold_approximate_above(monkeypatch):
    import faiss

    v = _clustered(500)
    assert isinstance(dense_index(v), faiss.IndexFlatIP)
    monkeypatch.setattr(build_mod, "APPROXIMATE_ABOVE", 100)
    approx = dense_index(v)
    assert isinstance(approx, faiss.IndexHNSW) and approx.ntotal == 500
    queries = _clustered(50, seed=4)
    flat = faiss.IndexFlatIP(32)
    flat.add(v)
    _, exact = flat.search(queries, 10)
    _, got = approx.search(queries, 10)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(got, exact)])
    assert recall >= 0.95, recall


def test_search_through_an_approximate_index_respects_the_selection(settings, monkeypatch):
    """The same fixture searched with an exact and an HNSW dense index: dates still filter."""
    corpus = ingest(settings)
    build_index(corpus, settings, settings.kb_dir)
    exact = Searcher.load(settings, manifest=corpus.manifest)
    monkeypatch.setattr(build_mod, "APPROXIMATE_ABOVE", 0)
    build_index(corpus, settings, settings.data_dir / "approx")
    approx = Searcher.load(settings, manifest=corpus.manifest, index_dir=settings.data_dir / "approx" / "index")
    import faiss

    assert isinstance(approx.dense, faiss.IndexHNSW) and isinstance(exact.dense, faiss.IndexFlatIP)
    for day in (None, date(2010, 1, 1)):
        allowed = set(corpus.select(day).version_ids)
        a = approx.search("Wie beslist over extra toezicht op de stallingen?", day=day, mode="dense", k=5)
        e = exact.search("Wie beslist over extra toezicht op de stallingen?", day=day, mode="dense", k=5)
        assert a.hits and all(f"{h.doc}/{h.version}" in allowed for h in a.hits)
        assert [h.id for h in a.hits] == [h.id for h in e.hits]  # a small index: HNSW finds the same
