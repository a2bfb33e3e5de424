"""Hybrid retrieval over the built index: BM25 (Dutch stems) + dense vectors, combined
per citation unit with weights that depend on the kind of query.

Every query is answered from the versions that point-in-time selection picks for its
date (default: the most recent texts held), scored per citation unit, and returned with
at most one hit (its best passage) per unit. Queries are expanded with the corpus's
abbreviations (both ways) and with the names of the same body across time from the graph.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Sequence

import numpy as np

from kennis.config import Settings
from kennis.errors import ConfigError, InvalidInputError, NotBuiltError
from kennis.corpus import norm_ref
from kennis.corpus.references import ReferenceResolver, unit_ref
from kennis.index.build import INDEX_DIRNAME, INDEX_FORMAT
from kennis.index.embed import Embedder, make_embedder
from kennis.index.names import Names
from kennis.text import Abbreviations, Analyzer, Speller, fold, snippet
from kennis.models import DocumentInfo, Hit, SearchResult, Selection

if TYPE_CHECKING:  # pragma: no cover
    import faiss

    from kennis.corpus import Manifest

Mode = Literal["fused", "lexical", "dense"]

#: Longest query accepted; longer input is refused with a clear message.
MAX_QUERY_CHARS = 10_000
#: Only the head of a long query is analysed (BM25 terms, model input).
_ANALYSED_CHARS = 2_000
#: Units below this rank of the dense signal score 0 on it (its min-max floor).
_DEPTH = 100
#: Weight of abbreviation expansions relative to the words the user typed.
_EXPANSION_WEIGHT = 0.5
#: Weights of name expansions from the graph: other names of the same body, and names
#: of its predecessors and successors (``NCTb`` ↔ ``NCTV``).
_SAME_NAME_WEIGHT = 0.3
_ACROSS_TIME_WEIGHT = 0.3
#: Factor on the fused score of glossary units (the list of abbreviations).
_GLOSSARY_WEIGHT = 0.5
#: Factor on the fused score of the units of a document the query names by its label
#: (*in welk artikel van de Wiv 2002*, *volgens de Politiewet*): the user says where to look.
_NAMED_WEIGHT = 1.5
#: Factor on the fused score of law articles that no text in force cites (measured on the
#: development sets: 0.6 raised recall@1 on eight sets and lowered it on none; 0.4 and 0.2 less).
_UNCITED_LAW_WEIGHT = 0.6
#: Factor on the fused score of the articles a query cites itself (*op grond van artikel 127 van
#: de Wet op de rechterlijke organisatie*): the user names the unit.
_CITED_IN_QUERY_WEIGHT = 2.0
#: A query that asks what an abbreviation stands for (*afkorting CCB*, *waar staat CIE voor*):
#: then the list of abbreviations that holds it is the answer, not a unit to demote.
_ABBREVIATION_ASKED = re.compile(r"\bafkorting\w*|\bstaat\b.*\bvoor\b|\bbetekent\b|\bbetekenis\b")
#: Words that ask for a legal basis: the ``law`` signal (units of laws) only counts then.
_LEGAL_CUE = re.compile(r"\b(artikel\w*|wet\w*|grondslag\w*|bepaling\w*|wettelijk\w*)\b")

#: The signals a unit is ranked by, each scaled to 0..1 within the allowed units:
#: BM25 of the whole unit (headings weighted in), of its best passage, of its best
#: sentence (with the sentence before it), of its headings alone; the idf-weighted share
#: of the query's terms it contains; the cosine of its best passage (min-max over the
#: best ``_DEPTH`` units); whether it is a law article that a text in force cites, when the
#: query asks for a legal basis; BM25 of the unit for the typed terms alone (no expansions); the idf-weighted
#: share of the query's terms in its best passage and in its best sentence window; and
#: the reciprocal ranks of the unit under the lexical and the dense signal. Best passage
#: and best sentence keep a long section that states the answer once from losing to
#: short sections that merely share words with the query; ranks are blind to how the
#: scores of one signal are spread, which differs between short and long queries.
FEATURES = ("unit", "passage", "sentence", "heading", "coverage", "dense", "law",
            "typed", "passage_coverage", "sentence_coverage", "lexical_rank", "dense_rank")
#: Weights of the signals for questions and for keyword queries (two to five words, no
#: question mark), fitted by ``bench/fit_search.py`` (see there for the held-out figures).
QUESTION_WEIGHTS = (1.0, 0.3, 0.5, 0.0, 3.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
KEYWORD_WEIGHTS = (1.0, 0.2, 0.8, 0.2, 6.0, 0.8, 0.0, 0.0, 6.0, 8.0, 0.3, 0.0)


def _reciprocal_rank(values: np.ndarray, allowed: np.ndarray, k: float = 10.0) -> np.ndarray:
    """``k / (k + rank)`` of each allowed unit by ``values`` (rank 0 the best; ties by
    index), 0 for units that score 0 or are not allowed."""
    out = np.zeros(len(values), dtype=np.float64)
    v = values[allowed]
    order = np.lexsort((allowed, -v))
    ranked = allowed[order]
    out[ranked] = k / (k + np.arange(len(ranked)))
    out[allowed[v <= 0]] = 0.0
    return out


_LONG_WORD = re.compile(r"[^\W\d_]{%d,}" % Speller.MIN_TYPO_LEN)


def is_keyword_query(text: str) -> bool:
    """A search-box query: at most five words and no question mark."""
    return "?" not in text and len(text.split()) <= 5


@dataclass(frozen=True)
class QueryTerms:
    """A query as the ranking sees it: its own terms, weighted term groups (its own terms
    first, then expansions), whether it is a keyword query, whether it asks for a law."""

    terms: tuple[str, ...]
    groups: tuple[tuple[float, tuple[str, ...]], ...]
    keyword: bool
    legal: bool
    #: The query with its typos corrected (what the dense model reads).
    corrected: str = ""


@dataclass(frozen=True)
class SearchOptions:
    """Filters of one search; ``day`` picks the versions in force on it."""

    k: int = 10
    day: date | None = None
    doc: str | None = None
    #: a document kind (``wet``), or several (``("wet", "amvb")``): only their units
    kind: str | tuple[str, ...] | None = None
    mode: Mode = "fused"


class Searcher:
    """Loaded index plus the lazily loaded model. Thread-safe for searching."""

    def __init__(self, index_dir: Path, settings: Settings, *, select: Callable[[date | None], Selection],
                 embedder: Embedder | None = None, documents: Mapping[str, DocumentInfo] | None = None) -> None:
        """``documents`` (the manifest's) let a query's own citations (*artikel 12 van de
        Politiewet*) point to the units they name."""
        from kennis.index.lexical import load_bm25

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
        self.abbreviations = Abbreviations(self.meta.get("abbreviations", {}),
                                           frozenset(self.meta.get("plain_short_words", ())))
        vocab_path = index_dir / "vocabulary.json"
        vocabulary = json.loads(vocab_path.read_text(encoding="utf-8")) if vocab_path.is_file() else []
        self.analyzer = Analyzer(abbreviations=(fold(k) for k in self.abbreviations.entries), vocabulary=vocabulary)
        self.speller = Speller(vocabulary)
        self._glossary = np.array([bool(u.get("glossary")) for u in self.units], dtype=bool)
        self.bm25_units = load_bm25(index_dir / "bm25_units")
        self.bm25_passages = load_bm25(index_dir / "bm25_passages")
        # Indexes built before sentences, headings and names were indexed still load;
        # they are searched without those signals.
        self.bm25_sentences = self.bm25_headings = None
        self.sentence_rows = np.zeros(0, dtype=np.int64)
        if (index_dir / "bm25_sentences").is_dir() and (index_dir / "sentences.json").is_file():
            self.bm25_sentences = load_bm25(index_dir / "bm25_sentences")
            self.sentence_rows = np.array(json.loads((index_dir / "sentences.json").read_text(encoding="utf-8")),
                                          dtype=np.int64)
        if (index_dir / "bm25_headings").is_dir():
            self.bm25_headings = load_bm25(index_dir / "bm25_headings")
        names_path = index_dir / "names.json"
        self.names = Names(json.loads(names_path.read_text(encoding="utf-8")) if names_path.is_file() else [],
                           lower_case_short=self.abbreviations.lower_case_short)
        # each document's label without its year (*Politiewet*, *Wiv*), folded, to see a query name it
        self._doc_names = {r["doc"]: n for r in self.rows
                           if len(n := re.sub(r"\s*\(?\b(?:19|20)\d{2}\)?\s*$", "", fold(r["doc_title"])).strip()) >= 3}
        # a name inside another's (*circulaire bewaken en beveiligen* in the letter's) points nowhere
        self._doc_names = {d: n for d, n in self._doc_names.items()
                           if not any(n in m and n != m for m in self._doc_names.values())}
        self._unit_doc = np.array([u["doc"] for u in self.units], dtype=object)
        self._resolver = ReferenceResolver(dict(documents)) if documents else None
        self._unit_of_ref: dict[tuple[str, str], list[int]] = {}
        for ui, u in enumerate(self.units):
            self._unit_of_ref.setdefault((u["doc"], norm_ref(u["unit"])), []).append(ui)
        # any abbreviation of the corpus, as written (one pattern: it is looked for in every query)
        entries = sorted(self.abbreviations.entries, key=len, reverse=True)
        self._any_abbreviation = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, entries)) + r")(?!\w)") \
            if entries else None
        self._is_law = np.array([r_kind == "wet" for r_kind in (self.rows[u["rows"][0]]["kind"] for u in self.units)],
                                dtype=np.float64)
        # the versions of the other texts that cite each law unit (an index built before this
        # was recorded counts every law unit as cited)
        self._cited_by: list[frozenset[str]] | None = [frozenset(u["cited_by"]) for u in self.units] \
            if all("cited_by" in u for u in self.units) else None
        self._cited: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._embedder = embedder
        self._dense: faiss.Index | None = None
        self._segments: dict[int, tuple] = {}
        self.unit_of_sentence = self.unit_of_row[self.sentence_rows]
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
        return cls(index_dir, settings, select=manifest.select, embedder=embedder, documents=manifest.documents)

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
    def dense(self) -> faiss.Index:
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
            wanted = {opts.kind} if isinstance(opts.kind, str) else set(opts.kind)
            unit_mask &= np.array([kinds.get(u["doc"]) in wanted for u in self.units], dtype=bool)
            row_mask &= np.array([r["kind"] in wanted for r in self.rows], dtype=bool)
        if len(self._masks) > 256:
            self._masks.clear()
        result = (unit_mask, row_mask, tuple(notices))
        self._masks[key] = result
        return result

    # --- scoring ---------------------------------------------------------------------------

    def analyse(self, text: str) -> QueryTerms:
        """The terms of a query, its expansions (abbreviations both ways, names across time)
        and its kind (keyword query or question)."""
        corrected = self._correct(text)
        if corrected != text:
            # The corrected words join the typed ones (the misspelt ones match nothing).
            terms = self.analyzer.terms(text)
            terms += [t for t in self.analyzer.terms(corrected) if t not in terms]
        else:
            terms = self.analyzer.terms(text)
        # Both directions: an abbreviation typed brings its meaning, a meaning written
        # out brings the abbreviation the texts mostly use (``hoofdofficier van justitie`` → HOvJ).
        abbr = self.analyzer.terms(" ".join(self.abbreviations.expand(text) + self.abbreviations.abbreviations_of(text)))
        names = self.names.expand(text)
        same = self.analyzer.terms(" ".join(names.same))
        across = self.analyzer.terms(" ".join(names.across_time))
        own = set(terms)
        groups: list[tuple[float, list[str]]] = [(1.0, terms)]
        seen = set(own)
        for weight, group in ((_EXPANSION_WEIGHT, abbr), (_SAME_NAME_WEIGHT, same), (_ACROSS_TIME_WEIGHT, across)):
            fresh = [t for t in dict.fromkeys(group) if t not in seen]
            seen.update(fresh)
            if fresh and weight > 0:
                groups.append((weight, fresh))
        return QueryTerms(terms=tuple(terms), groups=tuple((w, tuple(g)) for w, g in groups),
                          keyword=is_keyword_query(text), legal=bool(_LEGAL_CUE.search(fold(text))),
                          corrected=corrected)

    def _correct(self, text: str) -> str:
        """``text`` with each long word that no text holds, and that is one slip away from a
        single corpus word, replaced by that word (``beveilging`` → ``beveiliging``)."""
        def fix(m: re.Match[str]) -> str:
            word = m.group(0)
            terms = self.analyzer.terms(word)
            if not terms or any(t in self.bm25_units.vocab_dict for t in terms):
                return word
            options = self.speller.correct(word)
            return options[0] if len(options) == 1 else word

        return _LONG_WORD.sub(fix, text)

    def _bm25(self, retriever, groups: Sequence[tuple[float, Sequence[str]]]) -> np.ndarray:
        """Weighted sum of the BM25 scores of each group of terms (typed terms weight 1)."""
        scores = np.zeros(retriever.scores["num_docs"], dtype=np.float32)
        for weight, group in groups:
            known = [t for t in group if t in retriever.vocab_dict]
            if known:
                scores += weight * retriever.get_scores(known)
        return scores

    def _dense_scores(self, q: np.ndarray, row_mask: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query vector ``q`` (1 × dim) to the best allowed passage
        rows (-inf elsewhere)."""
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
            # faiss's stubs know neither SearchParametersHNSW nor the keyword arguments that its
            # wrappers accept at run time.
            dense = self.dense
            params = (faiss.SearchParametersHNSW(sel=sel, efSearch=max(128, dense.hnsw.efSearch))  # type: ignore[attr-defined]
                      if isinstance(dense, faiss.IndexHNSW) else faiss.SearchParameters(sel=sel))  # type: ignore[call-arg]
            cached = (row_mask, params, sel, ids)
            if len(self._selectors) > 64:
                self._selectors.clear()
            self._selectors[key] = cached
        return cached[1]

    def _unit_max(self, values: np.ndarray, unit_of: np.ndarray, fill: float = 0.0) -> np.ndarray:
        """Per unit, the best of ``values`` over its rows (or sentences)."""
        key = id(unit_of)
        seg = self._segments.get(key)
        if seg is None or seg[0] is not unit_of:
            order = np.argsort(unit_of, kind="stable")
            owners = unit_of[order]
            starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if len(owners) else owners
            seg = (unit_of, order, starts, owners[starts] if len(owners) else owners)
            self._segments[key] = seg
        _, order, starts, present = seg
        out = np.full(len(self.units), fill, dtype=np.float64)
        if len(order):
            out[present] = np.maximum.reduceat(values[order].astype(np.float64), starts)
        return out

    def features(self, query: str, opts: SearchOptions | None = None,
                 wanted: frozenset[str] | None = None) -> tuple[QueryTerms, np.ndarray, np.ndarray, dict]:
        """The ranking signals of every allowed unit: ``(query terms, unit indices, matrix
        [units × FEATURES], details)``; details hold the passage scores that pick each
        unit's best passage. Only the signals in ``wanted`` are computed (all when None;
        the others are 0). Public for the weight fitting in ``bench/fit_search.py``."""
        opts = opts or SearchOptions()
        want = (lambda name: True) if wanted is None else wanted.__contains__
        text = " ".join(query.split())[:_ANALYSED_CHARS]
        unit_mask, row_mask, _ = self._allowed(opts)
        q = self.analyse(text)
        allowed = np.flatnonzero(unit_mask)
        feats = np.zeros((len(self.units), len(FEATURES)), dtype=np.float64)
        details: dict[str, Any] = {"row_lex": None, "row_dense": None}
        lexical = opts.mode in ("fused", "lexical") and any(g for _, g in q.groups)
        if lexical:
            row_lex = np.where(row_mask, self._bm25(self.bm25_passages, q.groups), 0.0)
            details["row_lex"] = row_lex
            unit_lex, typed, coverage, idf = self._unit_bm25_and_coverage(q)
            unit_lex = np.where(unit_mask, unit_lex, 0.0)
            cols = [("unit", unit_lex), ("passage", self._unit_max(row_lex, self.unit_of_row))]
            if want("typed"):
                cols.append(("typed", np.where(unit_mask, typed, 0.0)))
            if want("passage_coverage"):
                feats[:, FEATURES.index("passage_coverage")] = self._unit_max(
                    np.where(row_mask, self._coverage(self.bm25_passages, idf), 0.0), self.unit_of_row)
            if want("lexical_rank"):
                feats[:, FEATURES.index("lexical_rank")] = _reciprocal_rank(unit_lex, allowed)
            if self.bm25_sentences is not None and want("sentence"):
                sent = self._bm25(self.bm25_sentences, q.groups)
                sent = np.where(row_mask[self.sentence_rows], sent, 0.0)
                cols.append(("sentence", self._unit_max(sent, self.unit_of_sentence)))
            if self.bm25_sentences is not None and want("sentence_coverage"):
                sent_cov = np.where(row_mask[self.sentence_rows], self._coverage(self.bm25_sentences, idf), 0.0)
                feats[:, FEATURES.index("sentence_coverage")] = self._unit_max(sent_cov, self.unit_of_sentence)
            if self.bm25_headings is not None and want("heading"):
                cols.append(("heading", np.where(unit_mask, self._bm25(self.bm25_headings, q.groups), 0.0)))
            for name, v in cols:
                top = v[allowed].max() if len(allowed) else 0.0
                if top > 0:
                    feats[:, FEATURES.index(name)] = v / top
            feats[:, FEATURES.index("coverage")] = coverage
        if opts.mode in ("fused", "dense"):
            qv = self.embedder.embed_queries([self.abbreviations.inline(q.corrected or text)])
            row_dense = self._dense_scores(qv, row_mask)
            details["row_dense"] = row_dense
            best = self._unit_max(np.where(np.isfinite(row_dense), row_dense, -1.0), self.unit_of_row, fill=-1.0)
            ranked = np.sort(best[allowed])[::-1]
            if len(ranked):
                hi, lo = ranked[0], ranked[min(len(ranked), _DEPTH) - 1]
                if hi > lo:
                    feats[:, FEATURES.index("dense")] = np.clip((best - lo) / (hi - lo), 0.0, 1.0)
                if want("dense_rank"):
                    feats[:, FEATURES.index("dense_rank")] = _reciprocal_rank(best + 1.0, allowed)
        if lexical and q.legal:
            feats[:, FEATURES.index("law")] = self._is_law * self._cited_in(unit_mask)
        return q, allowed, feats[allowed], details

    def _cited_in(self, unit_mask: np.ndarray) -> np.ndarray:
        """1 for each unit that a text among the allowed units cites, else 0: a legal-basis
        question is answered by an article the circulaire in force points to."""
        if self._cited_by is None:
            return np.ones(len(self.units), dtype=np.float64)
        cached = self._cited.get(id(unit_mask))
        if cached is None or cached[0] is not unit_mask:  # the masks are cached: so is this, per mask
            versions = {v for v, ok in zip(self._unit_version, unit_mask) if ok}
            cached = (unit_mask, np.array([bool(c & versions) for c in self._cited_by], dtype=np.float64))
            if len(self._cited) > 64:
                self._cited.clear()
            self._cited[id(unit_mask)] = cached
        return cached[1]

    def _unit_bm25_and_coverage(self, q: QueryTerms) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, float]]:
        """BM25 of every unit (as :meth:`_bm25`), the same for the typed terms alone, the
        share of the query's own distinct terms (by idf) that occur in it, from the same
        per-term scores, and those idfs (over units)."""
        retriever = self.bm25_units
        n = retriever.scores["num_docs"]
        scores = np.zeros(n, dtype=np.float64)
        typed = np.zeros(n, dtype=np.float64)
        covered = np.zeros(n, dtype=np.float64)
        own = set(q.terms)
        idfs: dict[str, float] = {}
        for weight, group in q.groups:
            for t in dict.fromkeys(group):
                if t not in retriever.vocab_dict:
                    continue
                st = retriever.get_scores([t])
                scores += weight * st * group.count(t)
                if t in own and weight == 1.0:
                    typed += st * group.count(t)
                    present = st > 0
                    idfs[t] = float(np.log(1 + n / max(1, int(present.sum()))))
                    covered += idfs[t] * present
        total = sum(idfs.values())
        return scores, typed, (covered / total if total else covered), idfs

    @staticmethod
    def _coverage(retriever, idfs: dict[str, float]) -> np.ndarray:
        """Per document of ``retriever``, the idf-weighted share of the terms ``idfs`` it holds."""
        covered = np.zeros(retriever.scores["num_docs"], dtype=np.float64)
        total = sum(idfs.values())
        # The documents of a term are its postings (the column of the saved score matrix):
        # cheaper than scoring every document for it.
        indices, indptr = retriever.scores["indices"], retriever.scores["indptr"]
        for t, idf in idfs.items():
            j = retriever.vocab_dict.get(t)
            if j is not None:
                covered[indices[indptr[j]:indptr[j + 1]]] += idf
        return covered / total if total else covered

    def _weights(self, keyword: bool, mode: Mode) -> np.ndarray:
        w = np.array(KEYWORD_WEIGHTS if keyword else QUESTION_WEIGHTS, dtype=np.float64)
        if mode == "lexical":
            w = np.where([f.startswith("dense") for f in FEATURES], 0.0, w)
        elif mode == "dense":
            # The plain dense ranking: units by their best passage's cosine.
            w = np.zeros(len(FEATURES))
            w[FEATURES.index("dense")] = 1.0
        return w

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
        unit_mask, _, notices = self._allowed(opts)
        head = " ".join(query.split())[:_ANALYSED_CHARS]
        weights = self._weights(is_keyword_query(head), opts.mode)
        q, units, feats, details = self.features(query, opts, frozenset(f for f, w in zip(FEATURES, weights) if w))
        score = feats @ weights
        folded = fold(head)
        if _ABBREVIATION_ASKED.search(folded) and self._any_abbreviation is not None \
                and self._any_abbreviation.search(query):
            # the list that spells out the abbreviation asked for answers the query
            score = np.where(self._glossary[units], score / _GLOSSARY_WEIGHT, score)
        else:
            # A list of abbreviations names everything and governs nothing.
            score = np.where(self._glossary[units], score * _GLOSSARY_WEIGHT, score)
        named = [d for d, n in self._doc_names.items() if re.search(r"\b" + re.escape(n) + r"\b", folded)]
        if named:
            score = np.where(np.isin(self._unit_doc[units], named), score * _NAMED_WEIGHT, score)
        # an article that no text in force cites is rarely what a question about guarding and
        # securing is after (the Gemeentewet's taxes, the Wet RO's courts)
        uncited = (self._is_law[units] > 0) & (self._cited_in(unit_mask)[units] == 0)
        score = np.where(uncited, score * _UNCITED_LAW_WEIGHT, score)
        cited = self._cited_by_query(head)
        if cited:
            score = np.where(np.isin(units, cited), score * _CITED_IN_QUERY_WEIGHT, score)
        keep = score > 0
        units, score = units[keep], score[keep]
        order = np.lexsort((units, -score))[: opts.k]

        wanted = {t for _, g in q.groups for t in g}
        hits = []
        for i in order:
            ui = int(units[i])
            row = self._best_row(ui, details["row_dense"], details["row_lex"])
            r = self.rows[row]
            hits.append(Hit(
                id=r["id"], doc=r["doc"], version=r["version"], ref=r["ref"], title=r["title"],
                score=round(float(score[i]), 6), text=r["text"],
                snippet=snippet(r["text"], sorted(wanted), self.analyzer), doc_title=r["doc_title"],
            ))
        return SearchResult(query=query, date=opts.day, hits=tuple(hits), notices=notices)

    def _cited_by_query(self, text: str) -> list[int]:
        """The units (of any version) of the articles ``text`` cites, by number and law."""
        if self._resolver is None or "artikel" not in text.lower():
            return []
        return [ui for r in self._resolver.find(text, "") if r.target_doc and r.target_ref
                for ui in self._unit_of_ref.get((r.target_doc, norm_ref(unit_ref(r.target_ref))), ())]

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
