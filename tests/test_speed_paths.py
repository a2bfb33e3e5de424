"""What the first question no longer computes: term frequencies from the build, a query encoded once."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kennis.index.build import INDEX_DIRNAME, load_term_df, passage_term_df
from kennis.index.embed import OnnxEmbedder
from kennis.service import Kennis


def test_the_build_counts_the_term_frequencies_the_answerer_would(built_kennis: Kennis) -> None:
    searcher = built_kennis.searcher
    stored = load_term_df(built_kennis.settings.kb_dir / INDEX_DIRNAME)
    assert stored is not None
    n, df = stored
    assert n == len(built_kennis.corpus.passages()) and df
    assert (n, df) == passage_term_df(built_kennis.corpus.passages(), searcher.analyzer)
    given = built_kennis.answerer
    assert given._term_df is not None
    # the same idf as an answerer that counts them itself on the first question
    from kennis.answer.compose import Answerer

    counted = Answerer(given.corpus, _Facts(given), lambda *a, **kw: None, searcher.analyzer, lambda t: True)
    assert counted._term_df is None
    assert counted._term_idf() == given._term_idf()
    assert counted._corpus_idf_default == given._corpus_idf_default


class _Facts:
    """The graph facts an answerer was made from, handed to another one."""

    def __init__(self, answerer) -> None:
        self._a = answerer

    def lexicon(self):
        return list(self._a.linker.entries.values())

    def competences(self):
        return list(self._a.statements)

    def actor_kinds(self):
        return {}

    def measures(self):
        return frozenset()

    def action_forms(self):
        return {}

    def members(self):
        return {}


def test_an_old_index_without_term_frequencies_loads(tmp_path: Path) -> None:
    assert load_term_df(tmp_path) is None


@pytest.fixture
def counting_onnx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[OnnxEmbedder, list[list[str]]]:
    export = tmp_path / "onnx"
    export.mkdir()
    (export / "export.json").write_text(json.dumps({"name": "e5-test", "dim": 4}), encoding="utf-8")
    (export / "encoder.onnx").write_bytes(b"")
    emb = OnnxEmbedder(export)
    runs: list[list[str]] = []

    def run(texts, model, threads, quick=False):
        runs.append(list(texts))
        return np.array([[len(t), 1.0, 0.0, 0.0] for t in texts], dtype=np.float32)

    monkeypatch.setattr(emb, "_run", run)
    return emb, runs


def test_a_query_is_encoded_once_when_asked_again(counting_onnx) -> None:
    emb, runs = counting_onnx
    first = emb.embed_queries(["wie beslist"])
    first[0, 0] = -1.0  # a caller changing its copy does not change what is kept
    again = emb.embed_queries(["wie beslist"])
    assert len(runs) == 1 and again[0, 0] == len("query: wie beslist")
    emb.embed_queries(["wie anders"])
    assert len(runs) == 2
    emb.embed_queries(["wie beslist", "wie anders"])  # batches are not kept or served from it
    assert len(runs) == 3


def test_the_query_memo_stays_small(counting_onnx) -> None:
    emb, runs = counting_onnx
    for i in range(50):
        emb.embed_queries([f"vraag {i}"])
    assert len(emb._recent) <= 8
    emb.embed_queries(["vraag 0"])
    assert len(runs) == 51
