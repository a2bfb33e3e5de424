"""Search: embedders, lexical and dense indexes, hybrid point-in-time retrieval.

Importing this package is cheap; torch, sentence-transformers and faiss load when an
index is built or the first dense query runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from kennis.index.build import BuildStats, build_index
    from kennis.index.embed import Embedder, StandInEmbedder, make_embedder
    from kennis.index.prepare import prepare_default_model
    from kennis.index.search import Searcher, SearchOptions

__all__ = [
    "BuildStats", "Embedder", "SearchOptions", "Searcher", "StandInEmbedder",
    "build_index", "make_embedder", "prepare_default_model",
]

_WHERE = {
    "BuildStats": "build", "build_index": "build",
    "Embedder": "embed", "StandInEmbedder": "embed", "make_embedder": "embed",
    "prepare_default_model": "prepare",
    "Searcher": "search", "SearchOptions": "search",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"kennis.index.{_WHERE[name]}"), name)
    raise AttributeError(name)
