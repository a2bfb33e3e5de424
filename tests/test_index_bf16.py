"""Passages embedded in bfloat16 on torch: when the build does it, and that the vectors are the same."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kennis.config import Settings
from kennis.errors import ConfigError
from kennis.index import embed


def _bert_folder(folder: Path, model_type: str = "bert") -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": model_type}), encoding="utf-8")
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    return folder


@pytest.fixture
def chosen(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which backend make_passage_embedder picks (nothing is loaded)."""
    picks: list[str] = []
    monkeypatch.setattr(embed, "make_embedder", lambda settings: picks.append("onnx") or "onnx")
    monkeypatch.setattr(embed, "TorchBf16Embedder", lambda folder, **kw: picks.append("torch-bf16") or "bf16")
    monkeypatch.setattr(embed, "_importable", lambda *m: True)
    return picks


@pytest.mark.parametrize("amx, model_type, choice, expected", [
    (True, "bert", "auto", "torch-bf16"),
    (False, "bert", "auto", "onnx"),  # no AMX: bfloat16 was not measured faster there
    (True, "xlm-roberta", "auto", "onnx"),  # only the BERT folders the ONNX export also takes
    (True, "bert", "onnx", "onnx"),
    (False, "bert", "torch-bf16", "torch-bf16"),
])
def test_which_encoder_embeds_the_passages(chosen, monkeypatch, tmp_path, amx, model_type, choice, expected) -> None:
    monkeypatch.setattr(embed, "_cpu_has_amx", lambda: amx)
    folder = _bert_folder(tmp_path / "m", model_type)
    embed.make_passage_embedder(Settings(data_dir=tmp_path, model=str(folder), passage_encoder=choice))
    assert chosen == [expected]


def test_other_embedders_are_left_alone(chosen, tmp_path) -> None:
    got = embed.make_passage_embedder(Settings(data_dir=tmp_path, embedder="stand-in", passage_encoder="torch-bf16"))
    assert chosen == ["onnx"] and got == "onnx"  # make_embedder decides: here the stand-in


def test_an_unknown_passage_encoder_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="passage encoder"):
        embed.make_passage_embedder(Settings(data_dir=tmp_path, passage_encoder="fp8"))


SENTENCES = ["De burgemeester is belast met de handhaving van de openbare orde.",
             "een fietsenstalling bij het station", "wie beslist"]


@pytest.mark.slow
def test_bf16_passages_match_the_fp32_onnx_vectors(tmp_path_factory) -> None:
    data = tmp_path_factory.getbasetemp() / "real-model"  # prepared once for the session
    settings = Settings(data_dir=data, embedder="onnx", passage_encoder="torch-bf16")
    bf16 = embed.make_passage_embedder(settings)
    assert isinstance(bf16, embed.TorchBf16Embedder)
    fp32 = embed.make_embedder(settings)
    assert bf16.name == fp32.name and bf16.dim == fp32.dim
    long = " ".join(SENTENCES * 60)  # past the 512-token limit: both truncate alike
    texts = [*SENTENCES, long, *[f"{s} ({i})" for i, s in enumerate(SENTENCES * 12)]]  # several padded batches
    a, b = bf16.embed_passages(texts), fp32.embed_passages(texts)
    assert a.dtype == np.float32 and np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert (a * b).sum(axis=1).min() >= 0.9999
    alone = np.stack([bf16.embed_passages([t])[0] for t in SENTENCES])
    assert (alone * a[: len(SENTENCES)]).sum(axis=1).min() >= 0.9999
    q = bf16.embed_queries(SENTENCES[2:])
    assert float((q * fp32.embed_queries(SENTENCES[2:])).sum()) >= 0.9999
