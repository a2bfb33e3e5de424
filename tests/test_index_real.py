"""Search over the real corpus (integration) and with the real model (slow)."""

from __future__ import annotations

from datetime import date

import pytest

from kennis.corpus import ingest
from kennis.index import Searcher, build_index


@pytest.fixture(scope="module")
def real_searcher(tmp_path_factory):
    import os
    from pathlib import Path

    from kennis.config import REPO_ROOT, Settings

    corpus_dir = Path(os.environ.get("KENNIS_CORPUS_DIR", REPO_ROOT.parent / "shared" / "corpus"))
    if not (corpus_dir / "MANIFEST.toml").is_file():
        pytest.skip("the real corpus is not available")
    settings = Settings(corpus_dir=corpus_dir, data_dir=tmp_path_factory.mktemp("data"), embedder="stand-in")
    corpus = ingest(settings)
    build_index(corpus, settings, settings.kb_dir)
    return Searcher.load(settings, manifest=corpus.manifest), corpus


@pytest.mark.integration
def test_abbreviation_list_is_extracted(real_searcher):
    searcher, _ = real_searcher
    entries = searcher.abbreviations.entries
    assert len(entries) >= 20
    assert all(len(meaning) > len(abbr) for abbr, meaning in entries.items())


@pytest.mark.integration
@pytest.mark.parametrize("day", [None, date(2010, 1, 1), date(2013, 6, 1), date(2015, 8, 1)])
def test_only_selected_versions_are_returned(real_searcher, day):
    searcher, corpus = real_searcher
    allowed = corpus.select(day).version_ids
    for q in ("beveiliging van personen", "wie beslist over maatregelen", "artikel 16"):
        result = searcher.search(q, k=10, day=day)
        assert result.hits
        assert {f"{h.doc}/{h.version}" for h in result.hits} <= allowed


@pytest.mark.integration
def test_undated_search_skips_superseded_editions(real_searcher):
    searcher, corpus = real_searcher
    m = corpus.manifest
    superseded = {d.supersedes for d in m.documents.values() if d.supersedes and d.has_text}
    for q in ("circulaire bewaken en beveiligen", "dreigingsniveau", "limitatieve lijst"):
        assert not {h.doc for h in searcher.search(q, k=10).hits} & superseded


@pytest.mark.slow
def test_real_model_end_to_end(settings):
    """Build the fixture index with the prepared e5 model and search it densely."""
    s = settings.with_(embedder="onnx")
    corpus = ingest(s)
    stats = build_index(corpus, s, s.kb_dir)
    assert stats.embedded > 0
    searcher = Searcher.load(s, manifest=corpus.manifest)
    hits = searcher.search("Wie beslist over extra toezicht op de stallingen?", mode="dense", k=3).hits
    assert hits and hits[0].score > 0
    fused = searcher.search("Wie beslist over extra toezicht op de stallingen?", k=3).hits
    assert fused[0].doc in {"BWBR9000002", "BWBR9000003"}
