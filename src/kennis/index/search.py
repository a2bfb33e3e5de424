"""Hybrid retrieval over the built index: BM25 (Dutch stems) + dense vectors, fused by score.

Every query is answered from the versions that point-in-time selection picks for its
date (default: the most recent texts held), scored per citation unit, and returned with
at most one hit (its best passage) per unit.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Sequence

import numpy as np

from kennis.config import Settings
from kennis.errors import ConfigError, InvalidInputError, NotBuiltError
from kennis.index.build import INDEX_DIRNAME, INDEX_FORMAT
from kennis.index.embed import Embedder, make_embedder
from kennis.index.text import Abbreviations, Analyzer, fold, snippet
from kennis.models import Hit, SearchResult, Selection

if TYPE_CHECKING:  # pragma: no cover
    from kennis.corpus import Manifest

Mode = Literal["fused", "lexical", "dense"]

#: Longest query accepted; longer input is refused with a clear message.
MAX_QUERY_CHARS = 10_000
#: Only the head of a long query is analysed (BM25 terms, model input).
_ANALYSED_CHARS = 2_000
#: Reciprocal rank fusion constant (Cormack et al.: 60; smaller favours the top ranks).
RRF_K = 20
#: Candidates taken from each ranking before fusion.
_DEPTH = 100
#: Weight of abbreviation expansions relative to the words the user typed.
_EXPANSION_WEIGHT = 0.5
#: Factor on the fused score of glossary units (the list of abbreviations).
_GLOSSARY_WEIGHT = 0.5
#: Weights of the signals in the fusion: units by BM25 (1.0), units by their best
#: passage by BM25, units by their best passage by dense similarity.
_ROW_LEX_WEIGHT = 0.5
_DENSE_WEIGHT = 0.4
#: ``score``: sum of min-max normalised scores (CombSUM); ``rrf``: reciprocal rank fusion.
#: On the dev questions CombSUM beat RRF at every weight tried (BM25 margins carry
#: information that ranks throw away), so it is the default.
_FUSION = "score"


@dataclass(frozen=True)
class SearchOptions:
    """Filters of one search; ``day`` picks the versions in force on it."""

    k: int = 10
    day: date | None = None
    doc: str | None = None
    kind: str | None = None
    mode: Mode = "fused"


def _top_indices(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` largest scores, largest first (ties by index)."""
    if n >= len(scores):
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, n)[:n]
    return part[np.lexsort((part, -scores[part]))]


def fuse(signals: Sequence[tuple[float, dict[int, float]]], method: str = "score") -> dict[int, float]:
    """Combine per-unit scores of several signals (weight, {unit: score}) into one score."""
    fused: dict[int, float] = {}
    for weight, scores in signals:
        if not scores:
            continue
        if method == "rrf":
            ranked = sorted(scores, key=lambda u: -scores[u])
            for rank, u in enumerate(ranked):
                fused[u] = fused.get(u, 0.0) + weight / (RRF_K + rank + 1)
            continue
        hi, lo = max(scores.values()), min(scores.values())
        for u, v in scores.items():
            fused[u] = fused.get(u, 0.0) + weight * ((v - lo) / (hi - lo) if hi > lo else 1.0)
    return fused


class Searcher:
    """Loaded index plus the lazily loaded model. Thread-safe for searching."""

    def __init__(self, index_dir: Path, settings: Settings, *, select: Callable[[date | None], Selection],
                 embedder: Embedder | None = None) -> None:
        import bm25s

        meta_path = index_dir / "meta.json"
        if not meta_path.is_file():
            raise NotBuiltError(f"no search index at {index_dir}")
        self.meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        if self.meta.get("format") != INDEX_FORMAT:
            raise NotBuiltError(f"the search index at {index_dir} was built by another version of kennis",
                                hint="run `kennis build` again")
        self.settings = settings
        self.index_dir = index_dir
        self._select = select
        self.rows: list[dict[str, Any]] = json.loads((index_dir / "passages.json").read_text(encoding="utf-8"))
        self.units: list[dict[str, Any]] = json.loads((index_dir / "units.json").read_text(encoding="utf-8"))
        self.unit_of_row = np.zeros(len(self.rows), dtype=np.int64)
        for ui, u in enumerate(self.units):
            self.unit_of_row[u["rows"]] = ui
        self.abbreviations = Abbreviations(self.meta.get("abbreviations", {}))
        vocab_path = index_dir / "vocabulary.json"
        vocabulary = json.loads(vocab_path.read_text(encoding="utf-8")) if vocab_path.is_file() else []
        self.analyzer = Analyzer(abbreviations=(fold(k) for k in self.abbreviations.entries), vocabulary=vocabulary)
        self._glossary = np.array([bool(u.get("glossary")) for u in self.units], dtype=bool)
        self.bm25_units = bm25s.BM25.load(str(index_dir / "bm25_units"), show_progress=False)
        self.bm25_passages = bm25s.BM25.load(str(index_dir / "bm25_passages"), show_progress=False)
        self._embedder = embedder
        self._dense = None
        self._lock = threading.Lock()
        self._masks: dict[tuple, tuple[np.ndarray, np.ndarray, tuple[str, ...]]] = {}
        self._selectors: dict[int, tuple] = {}
        self._unit_version = [f'{u["doc"]}/{u["version"]}' for u in self.units]
        self._row_version = [f'{r["doc"]}/{r["version"]}' for r in self.rows]

    # --- loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, settings: Settings, *, manifest: "Manifest | None" = None,
             embedder: Embedder | None = None, index_dir: Path | None = None) -> "Searcher":
        """The index of the current build (``settings.kb_dir/index``)."""
        index_dir = index_dir or settings.kb_dir / INDEX_DIRNAME
        if not (index_dir / "meta.json").is_file():
            raise NotBuiltError(f"the search index has not been built ({index_dir} is missing)",
                                hint="run `kennis build` first")
        if manifest is None:
            from kennis.corpus import Manifest

            manifest = Manifest.load(settings.require_corpus() / "MANIFEST.toml", verify=False)
        return cls(index_dir, settings, select=manifest.select, embedder=embedder)

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = make_embedder(self.settings)
                if self._embedder.name != self.meta.get("embedder"):
                    raise ConfigError(
                        f"the index was built with {self.meta.get('embedder')!r}, "
                        f"but the configured model is {self._embedder.name!r}",
                        hint="run `kennis build` again or configure the same model",
                    )
            return self._embedder

    @property
    def dense(self):
        with self._lock:
            if self._dense is None:
                import faiss

                self._dense = faiss.read_index(str(self.index_dir / "dense.faiss"))
            return self._dense

    def warm_up(self) -> None:
        """Load the model and the dense index now (the first query would otherwise)."""
        _ = self.dense
        self.embedder.embed_queries(["warm"])

    # --- selection -------------------------------------------------------------------------

    def _allowed(self, opts: SearchOptions) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
        """Masks of the units and passage rows a search may return, and its notices."""
        key = (opts.day, opts.doc, opts.kind)
        hit = self._masks.get(key)
        if hit is not None:
            return hit
        selection = self._select(opts.day)
        notices = list(selection.notices())
        versions = set(selection.version_ids)
        if opts.doc and opts.day is None and not any(v.split("/")[0] == opts.doc for v in versions):
            # Asking for one document without a date means its text, even when a newer
            # edition supersedes it: read its latest version, and say so.
            held = sorted({v for v in self._row_version if v.split("/")[0] == opts.doc})
            if held:
                versions.add(held[-1])
                label = next(r["doc_title"] for r in self.rows if r["doc"] == opts.doc)
                notices.append(f"{label} is vervangen door een nieuwere editie; gezocht is in de "
                               f"versie van {held[-1].split('/')[1]}.")
        unit_mask = np.array([v in versions for v in self._unit_version], dtype=bool)
        row_mask = np.array([v in versions for v in self._row_version], dtype=bool)
        if opts.doc:
            unit_mask &= np.array([u["doc"] == opts.doc for u in self.units], dtype=bool)
            row_mask &= np.array([r["doc"] == opts.doc for r in self.rows], dtype=bool)
        if opts.kind:
            kinds = {r["doc"]: r["kind"] for r in self.rows}
            unit_mask &= np.array([kinds.get(u["doc"]) == opts.kind for u in self.units], dtype=bool)
            row_mask &= np.array([r["kind"] == opts.kind for r in self.rows], dtype=bool)
        if len(self._masks) > 256:
            self._masks.clear()
        result = (unit_mask, row_mask, tuple(notices))
        self._masks[key] = result
        return result

    # --- scoring ---------------------------------------------------------------------------

    def _bm25(self, retriever, terms: list[str], expansion: list[str]) -> np.ndarray:
        n = retriever.scores["num_docs"]
        scores = np.zeros(n, dtype=np.float32)
        known = [t for t in terms if t in retriever.vocab_dict]
        if known:
            scores += retriever.get_scores(known)
        known_exp = [t for t in expansion if t in retriever.vocab_dict and t not in terms]
        if known_exp:
            scores += _EXPANSION_WEIGHT * retriever.get_scores(known_exp)
        return scores

    def _dense_scores(self, text: str, row_mask: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to the best allowed passage rows (-inf elsewhere)."""
        q = self.embedder.embed_queries([text])
        out = np.full(len(self.rows), -np.inf, dtype=np.float32)
        n_allowed = int(row_mask.sum())
        if n_allowed == 0:
            return out
        k = min(n_allowed, _DEPTH * 8)
        sims, ids = self.dense.search(q, k, params=self._selector(row_mask, n_allowed))
        keep = ids[0] >= 0
        out[ids[0][keep]] = sims[0][keep]
        return out

    def _selector(self, row_mask: np.ndarray, n_allowed: int):
        """FAISS search parameters restricting to the allowed rows (cached per mask)."""
        if n_allowed == len(row_mask):
            return None
        key = id(row_mask)
        cached = self._selectors.get(key)
        if cached is None or cached[0] is not row_mask:
            import faiss

            ids = np.flatnonzero(row_mask).astype(np.int64)
            sel = faiss.IDSelectorBatch(ids)
            # The parameters keep a reference to the selector; keep the ids alive too.
            # An approximate (HNSW) index takes its own parameter type (built above a size).
            params = (faiss.SearchParametersHNSW(sel=sel, efSearch=max(128, self.dense.hnsw.efSearch))
                      if isinstance(self.dense, faiss.IndexHNSW) else faiss.SearchParameters(sel=sel))
            cached = (row_mask, params, sel, ids)
            if len(self._selectors) > 64:
                self._selectors.clear()
            self._selectors[key] = cached
        return cached[1]

    @staticmethod
    def _top_units(scores: np.ndarray, mask: np.ndarray, depth: int = _DEPTH) -> dict[int, float]:
        """The ``depth`` best positive-scoring allowed units with their scores."""
        s = np.where(mask & (scores > 0), scores, -np.inf)
        top = _top_indices(s, depth)
        return {int(u): float(s[u]) for u in top if np.isfinite(s[u])}

    def search(self, query: str, opts: SearchOptions | None = None, **kw: Any) -> SearchResult:
        """Search ``query``; keyword arguments override ``opts`` (k, day, doc, kind, mode)."""
        opts = opts or SearchOptions()
        if kw:
            opts = SearchOptions(**{**opts.__dict__, **kw})
        if not isinstance(query, str) or not query.strip():
            raise InvalidInputError("de zoekvraag is leeg", hint="typ een vraag of een paar woorden")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidInputError(
                f"de zoekvraag is te lang ({len(query)} tekens; hoogstens {MAX_QUERY_CHARS})",
                hint="korter formuleren, bijvoorbeeld de kern van de vraag",
            )
        if opts.k < 1 or opts.k > 1000:
            raise InvalidInputError(f"k moet tussen 1 en 1000 liggen, niet {opts.k}")
        text = " ".join(query.split())[:_ANALYSED_CHARS]
        unit_mask, row_mask, notices = self._allowed(opts)

        expansions = self.abbreviations.expand(text)
        terms = self.analyzer.terms(text)
        # Both directions: an abbreviation typed brings its meaning, a meaning written
        # out brings the abbreviation the texts mostly use (``hoofdofficier van justitie`` → HOvJ).
        exp_terms = self.analyzer.terms(" ".join(expansions + self.abbreviations.abbreviations_of(text)))
        # Each signal scores citation units: BM25 of the whole unit, BM25 of its best
        # passage, cosine of its best passage.
        signals: list[tuple[float, dict[int, float]]] = []
        row_lex = row_dense = None
        if opts.mode in ("fused", "lexical") and (terms or exp_terms):
            unit_lex = self._bm25(self.bm25_units, terms, exp_terms)
            row_lex = self._bm25(self.bm25_passages, terms, exp_terms)
            signals.append((1.0, self._top_units(unit_lex, unit_mask)))
            signals.append((_ROW_LEX_WEIGHT, self._top_units_by_rows(row_lex, row_mask)))
        if opts.mode in ("fused", "dense"):
            row_dense = self._dense_scores(self.abbreviations.inline(text), row_mask)
            signals.append((_DENSE_WEIGHT, self._top_units_by_rows(row_dense, row_mask, positive=False)))
        fused = fuse(signals, method=_FUSION)
        for ui in fused:
            if self._glossary[ui]:
                # A list of abbreviations names everything and governs nothing.
                fused[ui] *= _GLOSSARY_WEIGHT
        order = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[: opts.k]

        wanted = set(terms) | set(exp_terms)
        hits = []
        for ui, score in order:
            row = self._best_row(ui, row_dense, row_lex)
            r = self.rows[row]
            hits.append(Hit(
                id=r["id"], doc=r["doc"], version=r["version"], ref=r["ref"], title=r["title"],
                score=round(float(score), 6), text=r["text"],
                snippet=snippet(r["text"], sorted(wanted), self.analyzer), doc_title=r["doc_title"],
            ))
        return SearchResult(query=query, date=opts.day, hits=tuple(hits), notices=notices)

    def _top_units_by_rows(self, row_scores: np.ndarray, row_mask: np.ndarray, *,
                           positive: bool = True, depth: int = _DEPTH) -> dict[int, float]:
        """Units scored by their best allowed passage, the ``depth`` best, best first."""
        keep = row_mask & (row_scores > 0) if positive else row_mask
        s = np.where(keep, row_scores, -np.inf)
        out: dict[int, float] = {}
        # Units have few passages each, so the best 8×depth passages nearly always
        # hold ``depth`` distinct units; fall back to all rows when they do not.
        for limit in (depth * 8, len(s)):
            out.clear()
            for row in _top_indices(s, limit):
                if not np.isfinite(s[row]):
                    break
                u = int(self.unit_of_row[row])
                if u not in out:
                    out[u] = float(s[row])
                    if len(out) >= depth:
                        return out
            if limit >= len(s):
                break
        return out

    def _best_row(self, ui: int, row_dense: np.ndarray | None, row_lex: np.ndarray | None) -> int:
        rows = self.units[ui]["rows"]
        if len(rows) == 1:
            return rows[0]
        score = np.zeros(len(rows), dtype=np.float64)
        if row_dense is not None:
            d = row_dense[rows]
            score += np.where(np.isfinite(d), d, 0.0)
        if row_lex is not None:
            lx = row_lex[rows].astype(np.float64)
            if lx.max() > 0:
                score += 0.1 * lx / lx.max()
        return rows[int(np.argmax(score))]
