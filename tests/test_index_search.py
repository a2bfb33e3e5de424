"""Build and search the fixture corpus with the stand-in embedder (no torch, seconds)."""

from __future__ import annotations

from datetime import date

import pytest

from kennis.corpus import ingest
from kennis.errors import InvalidInputError, NotBuiltError
from kennis.index import Searcher, build_index
from kennis.corpus.references import unit_ref
from kennis.models import SearchResult


@pytest.fixture
def built(settings):
    corpus = ingest(settings)
    stats = build_index(corpus, settings, settings.kb_dir)
    return settings, corpus, stats


@pytest.fixture
def searcher(built):
    settings, corpus, _ = built
    return Searcher.load(settings, manifest=corpus.manifest)


def test_build_writes_index_and_reuses_vectors(built):
    settings, corpus, stats = built
    index = settings.kb_dir / "index"
    for name in ("meta.json", "passages.json", "units.json", "dense.faiss", "bm25_units", "bm25_passages"):
        assert (index / name).exists(), name
    assert stats.passages == len(corpus.passages()) and stats.embedded > 0
    again = build_index(corpus, settings, settings.data_dir / "second")
    assert again.embedded == 0 and again.cached == stats.passages and stats.sentences > stats.passages


def test_abbreviations_come_from_the_corpus(searcher):
    assert searcher.abbreviations.entries.get("SC") == "Stallingscoördinator"


def test_result_shape_and_snippet(searcher):
    result = searcher.search("Wie draagt het gezag over de stallingen?", k=5)
    assert isinstance(result, SearchResult) and result.hits
    top = result.hits[0]
    assert top.doc and top.version and top.title and top.text and top.score > 0
    assert "**" in top.snippet
    assert all(isinstance(n, str) for n in result.notices)


def test_undated_search_never_returns_a_superseded_edition(searcher):
    result = searcher.search("wethouder gezag stallingen", k=10)
    assert result.hits
    assert all(h.doc != "BWBR9000001" for h in result.hits)
    # the 2020 edition is known by metadata only: say so
    assert any("2020" in n for n in result.notices)


def test_dated_search_reads_the_versions_in_force(searcher):
    old = searcher.search("wethouder gezag stallingen", day=date(2011, 1, 1), k=10)
    assert old.hits and {h.doc for h in old.hits} <= {"BWBR9000001", "BWBR9000003"}
    assert all(h.version <= "2011-01-01" for h in old.hits)
    later = searcher.search("wethouder gezag stallingen", day=date(2013, 1, 1), k=10)
    assert {h.version for h in later.hits if h.doc == "BWBR9000001"} == {"2012-06-01"}


def test_abbreviation_in_query_finds_the_written_out_form(searcher):
    result = searcher.search("Wat doet de SC?", k=3, day=date(2011, 1, 1))
    assert result.hits and result.hits[0].doc == "BWBR9000001"


def test_filters_doc_and_kind(searcher):
    only_law = searcher.search("toezicht stallingen", doc="BWBR9000003", k=10)
    assert only_law.hits and {h.doc for h in only_law.hits} == {"BWBR9000003"}
    kind = searcher.search("toezicht stallingen", kind="wet", k=10)
    assert {h.doc for h in kind.hits} == {"BWBR9000003"}
    none = searcher.search("toezicht stallingen", doc="BWBR0000000", k=10)
    assert none.hits == ()
    # A superseded edition asked for by name, without a date: its latest version.
    old = searcher.search("wethouder", doc="BWBR9000001", k=10)
    assert old.hits and {(h.doc, h.version) for h in old.hits} == {("BWBR9000001", "2012-06-01")}
    assert any("vervangen" in n for n in old.notices)


def test_one_hit_per_citation_unit(searcher):
    result = searcher.search("wethouder toezicht stallingen artikel", k=20)
    keys = [(h.doc, h.version, unit_ref(h.ref)) for h in result.hits]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("mode", ["lexical", "dense", "fused"])
def test_modes(searcher, mode):
    assert searcher.search("gezag wethouder", mode=mode, k=3).hits


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_query_is_a_clear_error(searcher, query):
    with pytest.raises(InvalidInputError):
        searcher.search(query)


def test_long_and_foreign_queries_are_clean(searcher):
    long = ("stalling " * 1200)[:10_000]
    assert isinstance(searcher.search(long), SearchResult)
    with pytest.raises(InvalidInputError):
        searcher.search("x" * 10_001)
    for q in ("What are the duties of the bicycle coordinator?", "自行车停车场", "!!!???", "1234"):
        assert isinstance(searcher.search(q), SearchResult)
    with pytest.raises(InvalidInputError):
        searcher.search("stalling", k=0)


def test_missing_index_says_build(settings):
    with pytest.raises(NotBuiltError) as err:
        Searcher.load(settings)
    assert "kennis build" in str(err.value)


def test_footnotes_are_searchable_and_cited_by_their_passage(searcher):
    # In the 2012 version, § 1 names the Testwet only in a footnote.
    hits = searcher.search("Testwet 2009", day=date(2013, 1, 1), mode="lexical", k=10).hits
    assert ("BWBR9000001", "1") in {(h.doc, h.ref) for h in hits}


def test_index_holds_sentences_headings_and_names(built):
    settings, corpus, _ = built
    index = settings.kb_dir / "index"
    for name in ("bm25_sentences", "sentences.json", "bm25_headings", "names.json"):
        assert (index / name).exists(), name


def test_an_index_without_the_newer_parts_still_searches(built):
    import shutil

    settings, corpus, _ = built
    index = settings.kb_dir / "index"
    for name in ("bm25_sentences", "bm25_headings"):
        shutil.rmtree(index / name)
    for name in ("sentences.json", "names.json"):
        (index / name).unlink()
    old = Searcher.load(settings, manifest=corpus.manifest)
    assert old.search("Wie draagt het gezag over de stallingen?", k=3).hits


def test_keyword_queries_and_questions_are_told_apart():
    from kennis.index.search import is_keyword_query

    assert is_keyword_query("gezag stallingen gemeentelijk domein")
    assert not is_keyword_query("Wie draagt het gezag over de stallingen?")
    assert not is_keyword_query("wie draagt eigenlijk het gezag over de stallingen in de gemeente")


def _write_graph(path) -> None:
    """A tiny graph: the (invented) Fietsbureau was succeeded by the stallingscoördinator."""
    from rdflib import Dataset, Literal, URIRef

    from kennis.graph.vocab import KB, RDF, SKOS

    g = Dataset()
    sc, fb = URIRef("https://w3id.org/kennis/id/actor/sc"), URIRef("https://w3id.org/kennis/id/actor/fb")
    for x in (sc, fb):
        g.add((x, RDF.type, KB.Actor))
    g.add((sc, SKOS.prefLabel, Literal("stallingscoördinator", lang="nl")))
    g.add((sc, SKOS.altLabel, Literal("SC", lang="nl")))
    g.add((fb, SKOS.prefLabel, Literal("Fietsbureau", lang="nl")))
    g.add((fb, KB.succeededBy, sc))
    path.parent.mkdir(parents=True, exist_ok=True)
    g.serialize(destination=str(path), format="nquads")


def test_names_across_time_from_the_graph_expand_queries(tmp_path, settings):
    corpus = ingest(settings)
    out = tmp_path / "kb"
    _write_graph(out / "graph.nq")
    build_index(corpus, settings, out)
    searcher = Searcher(out / "index", settings, select=corpus.manifest.select)
    assert len(searcher.names) == 2
    # yesterday's name, which no text uses, finds today's body
    hits = searcher.search("Fietsbureau", mode="lexical", k=5).hits
    assert hits and "stallingscoördinator" in hits[0].text.lower()
    q = searcher.analyse("Fietsbureau")
    assert q.groups[0] == (1.0, tuple(q.terms)) and len(q.groups) > 1


def test_a_typo_finds_what_the_word_finds(searcher):
    right = searcher.search("stallingscoördinator", mode="lexical", k=3).hits
    typo = searcher.search("stallingscordinator", mode="lexical", k=3).hits
    assert right and [h.id for h in typo] == [h.id for h in right]


def test_reciprocal_rank_orders_allowed_units_and_ignores_the_rest():
    import numpy as np

    from kennis.index.search import _reciprocal_rank

    values = np.array([0.2, 5.0, 0.0, 3.0, 9.0])
    got = _reciprocal_rank(values, np.array([0, 1, 2, 3]), k=10.0)
    # unit 4 is not allowed, unit 2 scores nothing; 1, 3, 0 are ranks 0, 1, 2
    assert got.tolist() == [10 / 12, 1.0, 0.0, 10 / 11, 0.0]


@pytest.mark.parametrize("query", ["wethouder gezag stallingen", "Wie draagt het gezag over de stallingen?"])
def test_search_scores_are_the_weighted_signals(searcher, query):
    """Search computes only the signals its weights use; its scores are those of the full
    signal matrix under the same weights (what bench/fit_search.py fits)."""
    import numpy as np

    from kennis.index.search import _UNCITED_LAW_WEIGHT, FEATURES, SearchOptions, is_keyword_query

    result = searcher.search(query, k=5)
    _, units, feats, _ = searcher.features(query)
    weights = searcher._weights(is_keyword_query(query), "fused")
    full = np.where(searcher._glossary[units], feats @ weights * 0.5, feats @ weights)
    # law articles that no text in force cites weigh less
    uncited = (searcher._is_law[units] > 0) & (searcher._cited_in(searcher._allowed(SearchOptions())[0])[units] == 0)
    full = np.where(uncited, full * _UNCITED_LAW_WEIGHT, full)
    assert [h.score for h in result.hits] == [round(float(v), 6) for v in np.sort(full)[::-1][: len(result.hits)]]
    for name in ("coverage", "passage_coverage", "sentence_coverage"):
        col = feats[:, FEATURES.index(name)]
        assert col.min() >= 0.0 and 0.0 < col.max() <= 1.0, name
    for name in ("lexical_rank", "dense_rank"):
        assert feats[:, FEATURES.index(name)].max() == 1.0, name


def test_sentence_coverage_counts_the_words_of_one_sentence(searcher):
    """A unit covers the query's words in its best sentence at most as well as in its
    best passage, and there at most as well as in its whole text."""
    from kennis.index.search import FEATURES

    _, units, feats, _ = searcher.features("Wie draagt het gezag over de stallingen?")
    sent, passage, whole = (feats[:, FEATURES.index(n)] for n in ("sentence_coverage", "passage_coverage", "coverage"))
    assert sent.max() > 0
    assert (sent <= passage + 1e-9).all() and (passage <= whole + 1e-9).all()
    assert (sent < whole - 1e-9).any()


def test_the_list_of_abbreviations_answers_a_query_for_what_one_stands_for(searcher):
    asked = searcher.search("afkorting SC", k=5)
    assert asked.hits and asked.hits[0].doc == "BWBR9000002" and "| SC" in asked.hits[0].text
    # a query that uses the abbreviation does not ask for the list
    used = searcher.search("SC toezicht stallingen", k=5)
    assert used.hits and "| SC" not in used.hits[0].text



def test_a_document_the_query_names_weighs_more(searcher, monkeypatch):
    import kennis.index.search as search_module

    query = "wie is de stallingscoördinator volgens de Testwet"
    named = {h.id: (h.doc, h.score) for h in searcher.search(query, k=20).hits}
    monkeypatch.setattr(search_module, "_NAMED_WEIGHT", 1.0)
    plain = {h.id: (h.doc, h.score) for h in searcher.search(query, k=20).hits}
    law = [i for i, (doc, _) in plain.items() if doc == "BWBR9000003"]
    assert law and all(named[i][1] == pytest.approx(1.5 * plain[i][1], rel=1e-4) for i in law)
    assert all(named[i][1] == pytest.approx(plain[i][1]) for i in plain if i in named and i not in law)
    # a document is named by its label without the year
    assert searcher._doc_names["BWBR9000003"] == "testwet"
