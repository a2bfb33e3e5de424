"""Embedder interface, the backends behind it, the factory and the vector cache.

Every backend passes the same contract (``test_contract``): the stand-in and the ONNX
backend on a tiny random BERT written here (fast), the real model through ONNX Runtime
and through sentence-transformers (``slow``).
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from kennis.config import Settings
from kennis.errors import ConfigError
from kennis.index.embed import Embedder, OnnxEmbedder, StandInEmbedder, VectorCache, make_embedder

# --- a tiny BERT sentence-transformers folder (random weights) and a numpy reference ---------

_H, _HEADS, _FFN, _LAYERS, _MAXPOS = 16, 2, 32, 2, 24
_PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁"] + list("abcdefghijklmnopqrstuvwxyz") + [
    "▁de", "▁het", "▁een", "en", "ing", "▁be", "▁ge", "er"]


def _write_tiny_bert(folder, seed: int = 7) -> dict[str, np.ndarray]:
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    rng = np.random.default_rng(seed)

    def r(*shape, scale=0.2):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    w = {
        "embeddings.word_embeddings.weight": r(len(_PIECES), _H, scale=1.0),
        "embeddings.position_embeddings.weight": r(_MAXPOS, _H),
        "embeddings.token_type_embeddings.weight": r(2, _H),
        "embeddings.LayerNorm.weight": 1 + r(_H), "embeddings.LayerNorm.bias": r(_H),
    }
    for i in range(_LAYERS):
        p = f"encoder.layer.{i}."
        for name, (o, n) in {"attention.self.query": (_H, _H), "attention.self.key": (_H, _H),
                             "attention.self.value": (_H, _H), "attention.output.dense": (_H, _H),
                             "intermediate.dense": (_FFN, _H), "output.dense": (_H, _FFN)}.items():
            w[p + name + ".weight"], w[p + name + ".bias"] = r(o, n), r(o)
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + ln + ".weight"], w[p + ln + ".bias"] = 1 + r(_H), r(_H)
    folder.mkdir(parents=True)
    save_file(w, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps({
        "model_type": "bert", "hidden_size": _H, "num_attention_heads": _HEADS, "intermediate_size": _FFN,
        "num_hidden_layers": _LAYERS, "max_position_embeddings": _MAXPOS, "layer_norm_eps": 1e-12,
        "pad_token_id": 1, "type_vocab_size": 2}))
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_mean_tokens": True}))
    tok = Tokenizer(models.Unigram([(p, -float(len(p) < 2)) for p in _PIECES], unk_id=3, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tok.save(str(folder / "tokenizer.json"))
    return w


def _reference(w: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """BERT (token type 0, exact GELU) + mean pooling + L2, written out in numpy."""
    from math import erf

    def ln(x, p):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * w[p + ".weight"] + w[p + ".bias"]

    def lin(x, p):
        return x @ w[p + ".weight"].T + w[p + ".bias"]

    n = len(ids)
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = ln(x.astype(np.float64), "embeddings.LayerNorm")
    dh = _H // _HEADS
    for i in range(_LAYERS):
        p = f"encoder.layer.{i}."
        q, k, v = (lin(x, p + f"attention.self.{t}").reshape(n, _HEADS, dh).transpose(1, 0, 2)
                   for t in ("query", "key", "value"))
        s = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
        s = np.exp(s - s.max(-1, keepdims=True))
        ctx = ((s / s.sum(-1, keepdims=True)) @ v).transpose(1, 0, 2).reshape(n, _H)
        x = ln(lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        f = lin(x, p + "intermediate.dense")
        f = 0.5 * f * (1 + np.vectorize(erf)(f / np.sqrt(2)))
        x = ln(lin(f, p + "output.dense") + x, p + "output.LayerNorm")
    m = x.mean(0)
    return m / np.linalg.norm(m)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """(settings, weights) for the tiny BERT folder set as ``KENNIS_MODEL``."""
    root = tmp_path_factory.mktemp("tiny")
    w = _write_tiny_bert(root / "tiny-bert")
    return Settings(data_dir=root / "data", model=str(root / "tiny-bert")), w


def test_onnx_export_computes_bert(tiny):
    settings, w = tiny
    e = make_embedder(settings)
    assert isinstance(e, OnnxEmbedder) and e.dim == _H and e.name == "tiny-bert"
    texts = ["de beveiliging", "een gebouw en het terrein", "x"]
    tok = e._tokens(texts)  # the ids the model saw
    got = e.embed_passages(texts)
    for row, ids in zip(got, tok):
        assert float(row @ _reference(w, ids)) >= 0.99999
    # the int8 query graph approximates the same function
    e8 = make_embedder(settings.with_(query_precision="int8"))
    assert (e8.embed_queries(texts) * e.embed_queries(texts)).sum(axis=1).min() > 0.95


def test_query_encoding_imports_no_torch(tiny):
    """Encoding a query loads ONNX Runtime and tokenizers, never torch or transformers."""
    import subprocess

    settings, _ = tiny
    make_embedder(settings)  # the export exists
    code = ("import sys; from kennis.config import Settings; from kennis.index.embed import make_embedder; "
            f"e = make_embedder(Settings.from_env(data_dir={str(settings.data_dir)!r}, model={settings.model!r})); "
            "e.embed_queries(['de beveiliging']); "
            "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_onnx_export_is_reused_and_redone_when_the_model_changes(tiny, tmp_path):
    from kennis.index.prepare import onnx_dir, prepare_onnx

    settings, _ = tiny
    model = tmp_path / "m"
    _write_tiny_bert(model, seed=1)
    s = settings.with_(model=str(model), data_dir=tmp_path / "data")
    out = prepare_onnx(s, model)
    stamp = (out / "encoder.onnx").stat().st_mtime_ns
    assert prepare_onnx(s, model) == out and (out / "encoder.onnx").stat().st_mtime_ns == stamp
    before = make_embedder(s).embed_passages(["de beveiliging"])
    import shutil

    shutil.rmtree(model)
    _write_tiny_bert(model, seed=2)  # other weights
    after = make_embedder(s).embed_passages(["de beveiliging"])
    assert float(before[0] @ after[0]) < 0.999
    assert sorted(p.name for p in onnx_dir(s, model).parent.iterdir()) == ["m"]  # nothing left behind


def test_onnx_export_refuses_other_models(tmp_path):
    folder = tmp_path / "not-bert"
    _write_tiny_bert(folder)
    cfg = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**cfg, "model_type": "xlm-roberta"}))
    with pytest.raises(ConfigError, match="only BERT"):
        make_embedder(Settings(data_dir=tmp_path / "d", model=str(folder)))
    with pytest.raises(ConfigError, match="query precision"):
        make_embedder(Settings(data_dir=tmp_path / "d", model=str(folder), query_precision="int4"))


# --- the contract every backend passes ---------------------------------------------------------

SENTENCES = ["de wethouder beslist", "een fietsenstalling bij het station",
             "De burgemeester is belast met de handhaving van de openbare orde."]


def _backend(kind: str, tiny, tmp_path_factory) -> Embedder:
    if kind == "stand-in":
        return StandInEmbedder()
    if kind == "onnx-tiny":
        return make_embedder(tiny[0])
    data = tmp_path_factory.getbasetemp() / "real-model"  # prepared once for the session
    return make_embedder(Settings(data_dir=data, embedder=kind))


@pytest.mark.parametrize("kind", ["stand-in", "onnx-tiny",
                                  pytest.param("onnx", marks=pytest.mark.slow),
                                  pytest.param("sentence-transformers", marks=pytest.mark.slow)])
def test_contract(kind, tiny, tmp_path_factory):
    e = _backend(kind, tiny, tmp_path_factory)
    assert isinstance(e, Embedder) and e.name and e.dim > 0
    a = e.embed_passages(SENTENCES)
    assert a.dtype == np.float32 and a.shape == (3, e.dim) and a.flags["C_CONTIGUOUS"]
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert np.allclose(e.embed_passages(SENTENCES), a, atol=1e-5)  # deterministic
    # a text's vector does not depend on what it is batched (and padded) with
    alone = np.stack([e.embed_passages([t])[0] for t in SENTENCES])
    assert (alone * a).sum(axis=1).min() > 0.9999
    q = e.embed_queries(SENTENCES[:1])
    assert q.shape == (1, e.dim) and np.isclose(np.linalg.norm(q), 1.0, atol=1e-5)
    assert e.embed_queries([]).shape == (0, e.dim) and e.embed_passages([]).shape == (0, e.dim)
    if kind != "onnx-tiny":  # random weights know no Dutch
        assert float(q[0] @ a[0]) > float(q[0] @ a[1])


@pytest.mark.slow
def test_onnx_matches_torch(tmp_path_factory):
    """The ONNX export of the real model gives the vectors of sentence-transformers on torch."""
    data = tmp_path_factory.getbasetemp() / "real-model"
    onnx = make_embedder(Settings(data_dir=data, embedder="onnx"))
    torch = make_embedder(Settings(data_dir=data, embedder="sentence-transformers"))
    queries = ["Wie draagt het gezag over persoonsbeveiliging in het decentraal domein?",
               "wat doet de NCTV", "Welke taak heeft de burgemeester bij bewaken en beveiligen?"]
    cos = (onnx.embed_queries(queries) * torch.embed_queries(queries)).sum(axis=1)
    assert cos.min() >= 0.999, cos
    long = " ".join(SENTENCES * 60)  # past the 512-token limit: both truncate alike
    cos = (onnx.embed_passages([*SENTENCES, long]) * torch.embed_passages([*SENTENCES, long])).sum(axis=1)
    assert cos.min() >= 0.999, cos
    int8 = make_embedder(Settings(data_dir=data, embedder="onnx", query_precision="int8"))
    assert (int8.embed_queries(queries) * torch.embed_queries(queries)).sum(axis=1).min() >= 0.99


def test_factory(tmp_path):
    assert isinstance(make_embedder(Settings(data_dir=tmp_path, embedder="stand-in")), StandInEmbedder)
    with pytest.raises(ConfigError):
        make_embedder(Settings(data_dir=tmp_path, embedder="word2vec"))
    for kind in ("onnx", "sentence-transformers"):
        with pytest.raises(ConfigError):
            make_embedder(Settings(data_dir=tmp_path, embedder=kind, model=str(tmp_path / "no-such-model")))


# --- vector cache ------------------------------------------------------------------------------


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
