"""BM25 indexes as ``bm25s`` saves them, read with numpy alone for searching.

``import bm25s`` also imports scipy (0.3 s of every process that answers one question);
searching needs only the saved score matrix. :class:`Bm25Index` reads the same files and
scores the way bm25s's numpy backend does (the same additions in the same order, so the
same float32 scores); building still uses bm25s. Variants that need a non-occurrence
array (BM25L, BM25+) are opened with bm25s itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

#: The scoring methods whose saved matrix is the whole score (no non-occurrence term).
_PLAIN_METHODS = ("lucene", "robertson", "atire")


class Bm25Index:
    """What search uses of ``bm25s.BM25``: ``vocab_dict``, ``scores["num_docs"]``, ``get_scores``."""

    def __init__(self, folder: Path) -> None:
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        self.vocab_dict: dict[str, int] = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        self.method = params.get("method", "lucene")
        self.dtype = np.dtype(params.get("dtype", "float32"))
        self.int_dtype = np.dtype(params.get("int_dtype", "int32"))
        self.scores: dict[str, Any] = {
            name: np.load(folder / f"{name}.csc.index.npy", allow_pickle=False)
            for name in ("data", "indices", "indptr")
        }
        self.scores["num_docs"] = params["num_docs"]

    def get_tokens_ids(self, tokens: Sequence[str]) -> list[int]:
        return [self.vocab_dict[t] for t in tokens if t in self.vocab_dict]

    def get_scores(self, tokens: list) -> np.ndarray:
        """BM25 of every document for ``tokens`` (strings, or ids); unknown strings are left out."""
        if not isinstance(tokens, list):
            raise ValueError("The query_tokens must be a list of tokens.")
        given = self.get_tokens_ids(tokens) if tokens and isinstance(tokens[0], str) else tokens
        ids = np.asarray(given, dtype=self.int_dtype)
        data, indices, indptr = self.scores["data"], self.scores["indices"], self.scores["indptr"]
        if int(ids.max(initial=0)) >= len(indptr) - 1:
            raise ValueError("a query token id is outside the index")
        scores = np.zeros(self.scores["num_docs"], dtype=self.dtype)
        for start, end in zip(indptr[ids], indptr[ids + 1]):
            np.add.at(scores, indices[start:end], data[start:end])
        return scores


def load_bm25(folder: Path) -> Any:
    """A saved bm25s index for searching: :class:`Bm25Index`, or bm25s's own for other variants."""
    params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
    if params.get("method", "lucene") in _PLAIN_METHODS and params.get("num_docs") is not None:
        return Bm25Index(folder)
    import bm25s

    return bm25s.BM25.load(str(folder), show_progress=False)
