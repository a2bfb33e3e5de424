"""A Unigram (SentencePiece) tokenizer that opens in milliseconds, for query encoding.

``tokenizers`` builds its trie of the 250,000 pieces of multilingual-e5 when the tokenizer
is loaded, which costs most of a second of every process that encodes one question. This
module reads the same vocabulary from flat files written at export (piece bytes, offsets,
scores and an open-addressing hash table, read as they lie on disk) and runs the same
Viterbi search as ``tokenizers``' Unigram model: same normaliser, same metaspace, same
tie-breaking (shortest piece first, strictly better scores replace), unknown characters
scored ``min score - 10`` and fused. :func:`write_tables` checks the result against
``tokenizers`` on sample texts and writes nothing when they differ; the embedder then
keeps using ``tokenizers``. Texts holding a special token (``<s>``...) go to ``tokenizers``.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zlib
from pathlib import Path
from typing import Sequence

_FILES = ("pieces.bin", "offsets.bin", "scores.bin", "table.bin", "prefixes.bin")
#: Bits of the filter of piece prefixes (2 MB): a substring whose bit is clear starts no
#: piece, so the search stops extending it (a set bit may be a collision: then the table
#: lookup says no).
_PREFIX_BITS = 1 << 24
_UNK_PENALTY = 10.0
_SPACES = re.compile(" {2,}")
_REPLACE_CLASS = re.compile(r"^\[((?:\\x\{[0-9a-fA-F]+\})+)\]$")


def _normaliser_rules(spec: dict) -> dict[int, str] | None:
    """The translation table of a ``NFKC, Replace([...] → x)..., Replace(' {2,}' → ' ')``
    normaliser, or None for any other normaliser (then this module is not used)."""
    steps = spec.get("normalizers") if spec and spec.get("type") == "Sequence" else None
    if not steps or steps[0].get("type") != "NFKC" or steps[-1] != {
            "type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}:
        return None
    table: dict[int, str] = {}
    for step in steps[1:-1]:
        m = _REPLACE_CLASS.match((step.get("pattern") or {}).get("Regex", ""))
        if step.get("type") != "Replace" or not m:
            return None
        for cp in re.findall(r"\\x\{([0-9a-fA-F]+)\}", m.group(1)):
            table.setdefault(int(cp, 16), step["content"])
    return table


class FastUnigram:
    """Token ids of texts, equal to ``tokenizers`` for the exported tokenizer."""

    def __init__(self, folder: Path) -> None:
        meta = json.loads((folder / "unigram.json").read_text(encoding="utf-8"))
        self._translate = {int(k): v for k, v in meta["translate"].items()}
        self._specials = tuple(meta["specials"])
        self._bos, self._eos, self._unk = meta["bos"], meta["eos"], meta["unk"]
        self._max_chars = meta["max_piece_chars"]
        self._unk_score = meta["min_score"] - _UNK_PENALTY
        self._prefix = meta["prefix_space"]
        raw = [memoryview((folder / name).read_bytes()) for name in _FILES]
        self._blob = bytes(raw[0])
        self._offsets = raw[1].cast("I")
        self._scores = raw[2].cast("d")
        self._table = raw[3].cast("i")
        self._mask = len(self._table) - 1
        self._prefixes = bytes(raw[4])

    def handles(self, text: str) -> bool:
        """False for texts this reader leaves to ``tokenizers`` (special tokens inside)."""
        return bool(text) and not any(s in text for s in self._specials)

    def _lookup(self, piece: bytes, crc: int) -> int:
        table, offsets, blob = self._table, self._offsets, self._blob
        slot = crc & self._mask
        while True:
            i = table[slot]
            if i < 0:
                return -1
            if blob[offsets[i]: offsets[i + 1]] == piece:
                return i
            slot = (slot + 1) & self._mask

    def normalise(self, text: str) -> str:
        text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).translate(self._translate))
        text = text.replace(" ", "▁")
        # nothing left (control characters only): no metaspace either, as in tokenizers
        return text if not text or text.startswith("▁") or not self._prefix else "▁" + text

    def encode(self, text: str, max_length: int) -> list[int]:
        """Ids with ``<s>``/``</s>`` around, truncated to ``max_length`` in all."""
        s = self.normalise(text)
        n = len(s)
        data = s.encode("utf-8")
        starts = [0] * (n + 1)  # byte offset of each character
        pos = 0
        for i, ch in enumerate(s):
            starts[i] = pos
            pos += len(ch.encode("utf-8")) if ch >= "\x80" else 1
        starts[n] = pos
        best = [0.0] * (n + 1)
        back: list[tuple[int, int] | None] = [None] * (n + 1)  # (start, id) of the best last piece
        scores, lookup, max_chars, unk_score = self._scores, self._lookup, self._max_chars, self._unk_score
        prefixes, crc32, pmask = self._prefixes, zlib.crc32, _PREFIX_BITS - 1
        for i in range(n):
            here = best[i]
            single = False
            b0 = starts[i]
            for j in range(i + 1, min(n, i + max_chars) + 1):
                sub = data[b0: starts[j]]
                crc = crc32(sub)
                h = crc & pmask
                if not prefixes[h >> 3] >> (h & 7) & 1:
                    break  # no piece starts with this substring, nor with any longer one
                pid = lookup(sub, crc)
                if pid < 0:
                    continue
                score = scores[pid] + here
                if back[j] is None or score > best[j]:
                    best[j], back[j] = score, (i, pid)
                if j == i + 1:
                    single = True
            if not single:
                score = unk_score + here
                if back[i + 1] is None or score > best[i + 1]:
                    best[i + 1], back[i + 1] = score, (i, -1)
        ids: list[int] = []
        end = n
        while end > 0:
            start, pid = back[end]  # type: ignore[misc]
            if pid < 0:
                if not ids or ids[-1] != -1:  # consecutive unknowns fuse into one
                    ids.append(-1)
            else:
                ids.append(pid)
            end = start
        ids = [self._unk if i < 0 else i for i in reversed(ids)][: max(0, max_length - 2)]
        return [self._bos, *ids, self._eos]


def write_tables(tokenizer_json: Path, folder: Path, samples: Sequence[str], max_length: int = 512) -> bool:
    """Write the flat tables of ``tokenizer_json`` into ``folder`` if the fast reader gives
    the ids of ``tokenizers`` on every sample; True when written."""
    import numpy as np
    from tokenizers import Tokenizer

    spec = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    model, pre, post = spec.get("model") or {}, spec.get("pre_tokenizer") or {}, spec.get("post_processor") or {}
    translate = _normaliser_rules(spec.get("normalizer") or {})
    if (translate is None or model.get("type") != "Unigram" or model.get("byte_fallback")
            or pre.get("type") != "Metaspace" or pre.get("replacement") != "▁" or pre.get("split")
            or pre.get("prepend_scheme") not in ("always", "never") or post.get("type") != "TemplateProcessing"):
        return False
    vocab = model["vocab"]
    pieces = [p.encode("utf-8") for p, _ in vocab]
    special = post.get("special_tokens", {})
    try:
        bos, eos = special["<s>"]["ids"][0], special["</s>"]["ids"][0]
    except KeyError:
        return False
    size = 1 << (2 * len(pieces) - 1).bit_length()
    slots = [-1] * size
    for i, p in enumerate(pieces):
        slot = zlib.crc32(p) & (size - 1)
        while slots[slot] >= 0:
            slot = (slot + 1) & (size - 1)
        slots[slot] = i
    table = np.array(slots, dtype=np.int32)
    offsets = np.zeros(len(pieces) + 1, dtype=np.uint32)
    offsets[1:] = np.cumsum([len(p) for p in pieces])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pieces.bin").write_bytes(b"".join(pieces))
    (folder / "offsets.bin").write_bytes(offsets.tobytes())
    (folder / "scores.bin").write_bytes(np.array([s for _, s in vocab], dtype=np.float64).tobytes())
    (folder / "table.bin").write_bytes(table.tobytes())
    bits = bytearray(_PREFIX_BITS // 8)
    crc32, mask = zlib.crc32, _PREFIX_BITS - 1
    for piece in pieces:
        for k in range(1, len(piece) + 1):
            h = crc32(piece[:k]) & mask
            bits[h >> 3] |= 1 << (h & 7)
    (folder / "prefixes.bin").write_bytes(bytes(bits))
    meta = {"translate": {str(k): v for k, v in translate.items()},
            "specials": [t["content"] for t in spec.get("added_tokens", [])],
            "bos": bos, "eos": eos, "unk": model.get("unk_id", 0),
            "max_piece_chars": max(len(p) for p, _ in vocab), "min_score": min(s for _, s in vocab),
            "prefix_space": pre.get("prepend_scheme") == "always"}
    (folder / "unigram.json").write_text(json.dumps(meta), encoding="utf-8")
    reference = Tokenizer.from_file(str(tokenizer_json))
    reference.enable_truncation(max_length)
    fast = FastUnigram(folder)
    if all(fast.encode(t, max_length) == reference.encode(t).ids for t in samples if fast.handles(t)):
        return True
    for name in (*_FILES, "unigram.json"):
        (folder / name).unlink(missing_ok=True)
    return False
