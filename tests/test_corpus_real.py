"""The real corpus (../shared/corpus): every file parses, with the citations users rely on."""

from __future__ import annotations

from datetime import date

import pytest

from kennis.config import Settings
from kennis.corpus import ingest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def corpus(request: pytest.FixtureRequest):
    import os

    from tests.conftest import REAL_CORPUS
    from pathlib import Path

    path = Path(os.environ.get("KENNIS_CORPUS_DIR", REAL_CORPUS))
    if not (path / "MANIFEST.toml").is_file():
        pytest.skip("the real corpus is not available")
    return ingest(Settings(corpus_dir=path))


def test_every_version_parses_with_plausible_sections(corpus) -> None:
    stats = corpus.stats()
    manifest_versions = sum(len(d.versions) for d in corpus.manifest.documents.values())
    assert stats["versions"] == manifest_versions
    c2015 = corpus.versions["BWBR0036811/2015-07-09"]
    numbered = [s for s in c2015.sections if s.number]
    assert len(numbered) == 45
    assert sum(1 for s in numbered if s.ref.startswith("bijlage")) == 4
    politiewet = corpus.versions["BWBR0031788/2015-07-20"]
    assert {"artikel 16", "artikel 42"} <= {s.ref for s in politiewet.sections}
    letter = corpus.versions["kamerbrief-2026/2026-01-01"]
    assert {p.ref for p in letter.passages} == {""}


def test_key_citations(corpus) -> None:
    assert "De HOvJ draagt hierover het gezag" in " ".join(p.text for p in corpus.unit("BWBR0036811", "4.2"))
    art = " ".join(p.text for p in corpus.unit("BWBR0031788", "artikel 16 lid 1"))
    assert "objecten en diensten aanwijzen" in art
    assert corpus.unit("BWBR0024647", "samenvatting")
    letter = corpus.unit("kamerbrief-2026", "")
    assert all("footnoteRef" not in p.text for p in letter)
    assert any(p.footnotes for p in letter)


def test_point_in_time(corpus) -> None:
    assert "BWBR0025421" in {v.doc for v in corpus.select(date(2010, 1, 1)).versions}
    assert "BWBR0032891/2013-01-01" in corpus.select(date(2013, 6, 1)).version_ids
    now = corpus.select(None)
    assert "BWBR0036811/2015-07-09" in now.version_ids
    assert {d.id for d in now.missing} == {"circulaire-2019", "circulaire-2023", "BWBR0052355"}


def test_plain_text_references_resolve(corpus) -> None:
    refs = {(r.target_doc, r.target_ref) for p in corpus.passages() for r in p.references}
    assert ("BWBR0031788", "artikel 16") in refs
    assert ("BWBR0005416", "artikel 172") in refs
    assert ("BWBR0013409", "artikel 6 lid 2") in refs
