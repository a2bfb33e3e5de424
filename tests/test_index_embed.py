"""Embedder interface, stand-in, factory and the vector cache."""

from __future__ import annotations

import numpy as np
import pytest

from kennis.config import Settings
from kennis.errors import ConfigError
from kennis.index.embed import Embedder, StandInEmbedder, VectorCache, make_embedder


def test_stand_in_is_deterministic_and_normalised():
    e = StandInEmbedder()
    a = e.embed_passages(["de wethouder beslist", "een fietsenstalling"])
    b = e.embed_passages(["de wethouder beslist", "een fietsenstalling"])
    assert a.dtype == np.float32 and a.shape == (2, e.dim)
    assert np.allclose(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    q = e.embed_queries(["wethouder"])[0]
    assert q @ a[0] > q @ a[1]
    assert e.embed_queries([]).shape == (0, e.dim)
    assert isinstance(e, Embedder)


def test_factory(tmp_path):
    assert isinstance(make_embedder(Settings(data_dir=tmp_path, embedder="stand-in")), StandInEmbedder)
    with pytest.raises(ConfigError):
        make_embedder(Settings(data_dir=tmp_path, embedder="word2vec"))
    with pytest.raises(ConfigError):
        make_embedder(Settings(data_dir=tmp_path, model=str(tmp_path / "no-such-model")))


class Counting(StandInEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed_passages(self, texts):
        self.seen.extend(texts)
        return super().embed_passages(texts)


def test_cache_embeds_only_what_changed(tmp_path):
    e = Counting()
    cache = VectorCache(tmp_path, e.name)
    vecs, n = cache.embed(["a b", "c d", "a b"], e)
    assert n == 2 and len(e.seen) == 2 and vecs.shape == (3, e.dim)
    cache.save()

    again = VectorCache(tmp_path, e.name)
    calls = []
    vecs2, n2 = again.embed(["a b", "c d"], lambda: calls.append(1) or e)
    assert n2 == 0 and calls == []  # nothing new: the model is never loaded
    assert np.allclose(vecs2, vecs[:2])
    _, n3 = again.embed(["a b", "e f"], e)
    assert n3 == 1 and e.seen[-1] == "e f"


def test_damaged_cache_is_ignored(tmp_path):
    e = StandInEmbedder()
    cache = VectorCache(tmp_path, e.name)
    cache.path.parent.mkdir(parents=True)
    cache.path.write_bytes(b"not a numpy file")
    fresh = VectorCache(tmp_path, e.name)
    assert len(fresh) == 0
    _, n = fresh.embed(["x"], e)
    assert n == 1
