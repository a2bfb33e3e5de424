"""Build the search indexes (``<kb>/index/``) from a parsed corpus.

Layout of ``index/``:

- ``meta.json``      format, embedder, dimensions, counts, the abbreviation list
- ``passages.json``  one row per passage (id, doc, version, ref, unit, text, title, kind)
- ``units.json``     citation units: (doc, version, unit ref) with their passage rows
- ``dense.faiss``    inner-product index over the passage vectors (row = passage row)
- ``bm25_units/``    bm25s index over unit texts (heading path weighted in)
- ``bm25_passages/`` bm25s index over passage texts (to pick the best passage of a unit)
- ``bm25_sentences/`` bm25s index over sentences (passage text, list items, table rows and
  footnotes, each with the sentence before it), ``sentences.json`` their passage rows
- ``bm25_headings/`` bm25s index over each unit's headings (its path and sub-headings)
- ``names.json``     names of the same body across time, from the graph (labels, alternative
  labels, succession), used to expand queries

Footnotes are indexed with their passage (lexical and dense), so a fact stated only in a
note is found and cited by the passage that carries it. The sentence, heading and name
files are optional: an index without them is searched without those signals.

All versions are indexed; point-in-time selection filters at query time, so one build
serves every date.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence


from kennis.config import Settings
from kennis.corpus.references import cited_units, unit_ref
from kennis.index.embed import Embedder, VectorCache, embedder_name, make_passage_embedder, prepare_query_encoder
from kennis.index.names import name_groups
from kennis.text import Abbreviations, Analyzer, fold, is_glossary, plain_short_words, vocabulary_of
from kennis.models import Passage
from kennis.progress import Progress

if TYPE_CHECKING:  # pragma: no cover
    from kennis.corpus import Corpus

INDEX_FORMAT = 1
INDEX_DIRNAME = "index"
#: BM25 parameters (Lucene scoring). Units get weaker length normalisation than passages:
#: the section that governs a subject is often the longest one about it, and a short
#: intro or neighbouring section should not win merely by being short (on the dev and
#: held-out questions b 0.5-0.6 beat 0.75 for units; passages are near-uniform in length).
BM25_K1 = 1.2
BM25_B = 0.75
BM25_B_UNITS = 0.6

def heading_text(path: Sequence[str]) -> str:
    return " › ".join(path)


#: Whether the dense text of a passage starts with its document's label.
DENSE_DOC_LABEL = False


def passage_body(p: Passage) -> str:
    """A passage's text with its footnotes after it: what it states, notes included."""
    return "\n".join([p.text, *(f.text for f in p.footnotes)])


def dense_text(p: Passage, doc_label: str, abbreviations: Abbreviations | None = None,
               glossary: bool = False) -> str:
    """What the dense model reads for a passage: where it sits, then what it says (its
    footnotes included), with the corpus's abbreviations written out at their first use
    (the model does not know that ``HOvJ`` is the hoofdofficier van justitie)."""
    head = heading_text(p.path)
    if DENSE_DOC_LABEL or not head:
        head = f"{doc_label} — {head}" if head else doc_label
    body = passage_body(p)
    text = body if glossary or abbreviations is None else abbreviations.inline(body)
    return f"{head}\n{text}"


def sentence_windows(text: str) -> list[str]:
    """The sentences of a passage body (lines first: list items, table rows and footnotes
    are lines), each joined to the sentence before it, so that a sentence that refers back
    (``De HOvJ draagt hierover het gezag``) keeps what it refers to."""
    from kennis.corpus.segment import split_sentences

    sentences = [s for line in text.splitlines() if line.strip() for s in split_sentences(line.strip(), 1)]
    return [" ".join(sentences[max(0, i - 1): i + 1]) for i in range(len(sentences))] or [text]


@dataclass
class BuildStats:
    """Timings and sizes of one index build (seconds, counts, bytes)."""

    passages: int = 0
    units: int = 0
    sentences: int = 0
    embedded: int = 0
    cached: int = 0
    embed_s: float = 0.0
    lexical_s: float = 0.0
    dense_s: float = 0.0
    total_s: float = 0.0
    bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


#: Above this many vectors the dense index is approximate (HNSW): exact inner product
#: over 384-d vectors costs about 1 ms per 20,000 on one core and grows linearly, while
#: HNSW stays near 0.1-0.3 ms; its recall@10 against exact search is measured by
#: ``bench/bench_speed.py --scale``. Below it exact search is cheap and exact.
APPROXIMATE_ABOVE = 20_000
#: HNSW graph degree, construction and search beam widths.
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 128


def dense_index(vectors, dim: int | None = None, *, force_approximate: bool = False):
    """A FAISS inner-product index over ``vectors`` (rows = ids): exact (flat) up to
    :data:`APPROXIMATE_ABOVE` vectors, HNSW above (or when ``force_approximate``)."""
    import faiss

    dim = dim or (vectors.shape[1] if len(vectors) else 0)
    index: faiss.Index
    if force_approximate or len(vectors) > APPROXIMATE_ABOVE:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index


def extract_abbreviations(passages: Iterable[Passage]) -> Abbreviations:
    """The abbreviation list the corpus states: pipe tables first (the circulaire's
    annex of abbreviations), then ``Long Name (ABBR)`` definitions in prose."""
    passages = list(passages)
    tables = [p.text for p in passages if "|" in p.text]
    return Abbreviations.from_texts(tables, prose=[p.text for p in passages])


def _lexical_unit_text(head_path: Sequence[str], texts: Sequence[str], expansions: Sequence[str]) -> str:
    # The unit's own heading counts twice: headings name the subject of a section in
    # the words users ask with, and are short next to the body. The document's label is
    # left out: it is the same for every unit of a document, so it cannot tell sections
    # apart, and its words (``bewaken en beveiligen``) occur in nearly every question,
    # lifting whole documents over the section that answers (measured: held-out MRR
    # 0.863 → 0.881 without it, dev unchanged).
    own = head_path[-1] if head_path else ""
    parts = [heading_text(head_path), own, *texts, *expansions]
    return "\n".join(x for x in parts if x)


def _common_prefix(paths: Sequence[Sequence[str]]) -> list[str]:
    out = list(paths[0]) if paths else []
    for path in paths[1:]:
        n = 0
        while n < min(len(out), len(path)) and out[n] == path[n]:
            n += 1
        out = out[:n]
    return out


def unit_headings(paths: Sequence[Sequence[str]]) -> list[str]:
    """A unit's headings: the path of its first passage, then the unnumbered sub-headings
    its later passages sit under (``Toelichting``, ``Inleiding``), each once."""
    out: list[str] = []
    for path in paths:
        for h in path:
            if h not in out:
                out.append(h)
    return out


#: In how many passages (of every version) each analysed term occurs: the answerer's idf.
TERM_DF_FILE = "term_df.json"


def passage_term_df(passages: Sequence[Passage], analyzer: Analyzer) -> tuple[int, dict[str, int]]:
    """The number of passages and, per term of their text, how many contain it."""
    from collections import Counter

    df: Counter[str] = Counter()
    for p in passages:
        df.update(set(analyzer.terms(p.text)))
    return len(passages), dict(df)


def load_term_df(index_dir: Path) -> tuple[int, dict[str, int]] | None:
    """What :func:`passage_term_df` wrote at build time (None for an index built without it)."""
    path = index_dir / TERM_DF_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return int(data["passages"]), data["df"]


def build_index(corpus: "Corpus", settings: Settings, out_dir: Path, progress: Progress | None = None,
                *, embedder: Embedder | None = None,
                passage_embedder: Callable[[], Embedder] | None = None) -> BuildStats:
    """Write ``out_dir/index/`` for every passage of ``corpus``; vectors come from the cache
    where the text (and model) did not change. Returns timings and sizes."""
    import bm25s
    import faiss

    progress = progress or Progress(quiet=True)
    t_start = time.perf_counter()
    stats = BuildStats()
    index_dir = out_dir / INDEX_DIRNAME
    index_dir.mkdir(parents=True, exist_ok=True)

    passages = corpus.passages()
    documents = corpus.manifest.documents
    stats.passages = len(passages)
    progress.step(f"index: {len(passages)} passages from {len(corpus.versions)} versions")

    abbreviations = extract_abbreviations(passages)
    progress.step(f"index: {len(abbreviations.entries)} abbreviations found in the corpus")
    vocabulary = sorted(vocabulary_of(p.text for p in passages))
    analyzer = Analyzer(abbreviations=(fold(k) for k in abbreviations.entries), vocabulary=vocabulary)

    # --- rows and units --------------------------------------------------------------------
    rows: list[dict[str, Any]] = []
    units: dict[tuple[str, str, str], list[int]] = {}
    for i, p in enumerate(passages):
        info = documents.get(p.doc)
        label = info.label if info else p.doc
        rows.append({
            "id": p.id, "doc": p.doc, "version": p.version, "ref": p.ref, "unit": unit_ref(p.ref),
            "text": p.text, "title": p.title, "path": list(p.path),
            "kind": info.kind if info else "", "doc_title": label, "glossary": is_glossary(p.text),
        })
        units.setdefault((p.doc, p.version, unit_ref(p.ref)), []).append(i)
    cited_by = cited_units(passages, documents)
    unit_list: list[dict[str, Any]] = [{"doc": d, "version": v, "unit": u, "rows": r, "glossary": all(rows[i]["glossary"] for i in r),
                                        "cited_by": sorted(cited_by.get((d, u), ()))}
                 for (d, v, u), r in units.items()]
    stats.units = len(unit_list)

    # --- lexical -----------------------------------------------------------------------------
    t0 = time.perf_counter()
    progress.step("index: lexical (BM25, Dutch stems)")
    bodies = [passage_body(p) for p in passages]
    passage_terms = []
    for r, body in zip(rows, bodies):
        # A glossary already holds both forms; expanding it would only inflate it.
        exp = [] if r["glossary"] else abbreviations.expand(body)
        passage_terms.append(analyzer.terms("\n".join([r["path"][-1] if r["path"] else "", body, *exp])))
    unit_terms, heading_terms = [], []
    for u in unit_list:
        texts = [bodies[i] for i in u["rows"]]
        exp = [] if u["glossary"] else abbreviations.expand("\n".join(texts))
        # The unit heading is the deepest common heading of its passages; the unnumbered
        # sub-headings of its passages are words of the unit too.
        paths = [rows[i]["path"] for i in u["rows"]]
        head = _common_prefix(paths)
        subs = [h for h in unit_headings(paths) if h not in head]
        unit_terms.append(analyzer.terms(_lexical_unit_text(head, [*subs, *texts], exp)))
        heading_terms.append(analyzer.terms(heading_text(unit_headings(paths))))
    sentence_rows: list[int] = []
    sentence_terms = []
    for i, body in enumerate(bodies):
        exp_ok = not rows[i]["glossary"]
        for sent in sentence_windows(body):
            exp = abbreviations.expand(sent) if exp_ok else []
            sentence_rows.append(i)
            sentence_terms.append(analyzer.terms("\n".join([sent, *exp])))
    for name, terms, b in (("bm25_units", unit_terms, BM25_B_UNITS), ("bm25_passages", passage_terms, BM25_B),
                           ("bm25_sentences", sentence_terms, BM25_B), ("bm25_headings", heading_terms, BM25_B)):
        retriever = bm25s.BM25(k1=BM25_K1, b=b)
        retriever.index([t or ["\u2205"] for t in terms], show_progress=False)
        retriever.save(str(index_dir / name), show_progress=False)
    stats.lexical_s = time.perf_counter() - t0

    # --- dense -------------------------------------------------------------------------------
    t0 = time.perf_counter()
    progress.step("index: dense vectors")
    name = embedder.name if embedder else embedder_name(settings)
    cache = VectorCache(settings.cache_dir, name)
    texts = [dense_text(p, rows[i]["doc_title"], abbreviations, rows[i]["glossary"])
             for i, p in enumerate(passages)]
    make = passage_embedder or (lambda: make_passage_embedder(settings))
    vectors, embedded = cache.embed(texts, embedder or make, progress=progress)
    cache.save()
    if embedder is None:
        prepare_query_encoder(settings)  # so that the first question does not export the model
    dim = cache.dim or (embedder or make()).dim
    stats.sentences = len(sentence_rows)
    stats.embedded, stats.cached = embedded, len(texts) - embedded
    stats.embed_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    faiss.write_index(dense_index(vectors, dim), str(index_dir / "dense.faiss"))
    stats.dense_s = time.perf_counter() - t0
    progress.step(f"index: {embedded} passages embedded, {stats.cached} from the cache")

    # --- metadata ----------------------------------------------------------------------------
    (index_dir / "passages.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    (index_dir / "vocabulary.json").write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
    (index_dir / "units.json").write_text(json.dumps(unit_list, ensure_ascii=False), encoding="utf-8")
    (index_dir / "sentences.json").write_text(json.dumps(sentence_rows), encoding="utf-8")
    n_docs, df = passage_term_df(passages, analyzer)
    (index_dir / TERM_DF_FILE).write_text(json.dumps({"passages": n_docs, "df": df}, ensure_ascii=False),
                                          encoding="utf-8")
    names = name_groups(out_dir / "graph.nq")
    (index_dir / "names.json").write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
    progress.step(f"index: {len(sentence_rows)} sentences, {len(names)} names across time from the graph")
    meta = {
        "format": INDEX_FORMAT,
        "embedder": name,
        "embedder_kind": settings.embedder,
        "dim": dim,
        "passages": len(rows),
        "units": len(unit_list),
        "abbreviations": dict(abbreviations.entries),
        "plain_short_words": sorted(plain_short_words(bodies)),
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    (index_dir / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    stats.total_s = time.perf_counter() - t_start
    stats.bytes = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file())
    progress.step(f"index: done in {stats.total_s:.1f}s ({stats.bytes / 1e6:.1f} MB)")
    return stats
