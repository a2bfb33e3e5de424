"""BM25 read with numpy gives bm25s's own scores, bit for bit."""

from __future__ import annotations

import random

import numpy as np
import pytest

from kennis.index.lexical import Bm25Index, load_bm25

_WORDS = ["beveilig", "wethouder", "burgemeester", "gezag", "stalling", "fiets", "toezicht", "politie", "orde",
          "dreig", "inschat", "maatregel", "object", "persoon", "domein", "rijk", "decentraal", "nctv"]


@pytest.fixture(scope="module", params=["lucene", "robertson", "bm25+"])
def saved(request, tmp_path_factory):
    import bm25s

    rng = random.Random(5)
    docs = [[rng.choice(_WORDS) for _ in range(rng.randint(1, 30))] for _ in range(200)]
    folder = tmp_path_factory.mktemp("bm25") / "idx"
    index = bm25s.BM25(k1=1.2, b=0.6, method=request.param)
    index.index(docs, show_progress=False)
    index.save(str(folder), show_progress=False)
    return folder, bm25s.BM25.load(str(folder), show_progress=False)


def test_same_scores_as_bm25s(saved):
    folder, reference = saved
    ours = load_bm25(folder)
    if reference.method not in ("lucene", "robertson"):
        assert not isinstance(ours, Bm25Index)  # other variants keep bm25s
        return
    assert isinstance(ours, Bm25Index) and ours.vocab_dict == reference.vocab_dict
    assert ours.scores["num_docs"] == reference.scores["num_docs"] == 200
    rng = random.Random(9)
    queries = [[w] for w in _WORDS] + [rng.sample(_WORDS, rng.randint(2, 6)) for _ in range(50)]
    queries.append(["beveilig", "beveilig", "gezag"])  # repeated terms count twice in both
    for q in queries:
        got, want = ours.get_scores(q), reference.get_scores(q)
        assert got.dtype == want.dtype and np.array_equal(got, want), q
    assert ours.get_scores(["nowhere", "gezag"]).tolist() == reference.get_scores(["nowhere", "gezag"]).tolist()
    with pytest.raises(ValueError):
        ours.get_scores("gezag")  # type: ignore[arg-type]
