"""Manifest checks, point-in-time selection, references and the corpus CLI on the fixture."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kennis.cli import main
from kennis.config import Settings
from kennis.corpus import Manifest, ingest
from kennis.corpus.references import ReferenceResolver
from kennis.errors import ChecksumError, ConfigError, ManifestError, NotFoundError
from kennis.models import DocumentInfo, VersionInfo


def test_checksum_mismatch_names_the_file(fixture_corpus: Path) -> None:
    f = fixture_corpus / "bwb" / "BWBR9000003" / "2009-01-01.md"
    f.write_text(f.read_text() + "extra\n")
    with pytest.raises(ChecksumError, match="2009-01-01.md"):
        Manifest.load(fixture_corpus / "MANIFEST.toml")


def test_missing_file_is_refused(fixture_corpus: Path) -> None:
    (fixture_corpus / "brieven" / "brief-2020.txt").unlink()
    with pytest.raises(ChecksumError, match="file missing"):
        Manifest.load(fixture_corpus / "MANIFEST.toml")


def test_syntax_error_and_missing_field(fixture_corpus: Path) -> None:
    m = fixture_corpus / "MANIFEST.toml"
    original = m.read_text()
    m.write_text(original + "\n[[document]\n")
    with pytest.raises(ManifestError, match="TOML syntax error"):
        Manifest.load(m)
    m.write_text(original.replace('kind = "wet"', ""))
    with pytest.raises(ManifestError, match="BWBR9000003: missing field 'kind'"):
        Manifest.load(m)


def test_missing_corpus_folder_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        Settings(corpus_dir=tmp_path / "nope").require_corpus()
    assert "KENNIS_CORPUS_DIR" in str(err.value)


def test_selection_by_date(settings: Settings) -> None:
    m = Manifest.load(settings.manifest_path)
    ids = lambda sel: {v.id for v in sel.versions}  # noqa: E731
    assert ids(m.select(date(2011, 1, 1))) == {"BWBR9000001/2010-01-01", "BWBR9000003/2009-01-01"}
    assert "BWBR9000001/2012-06-01" in ids(m.select(date(2013, 1, 1)))
    later = m.select(date(2021, 1, 1))
    assert "BWBR9000002/2015-01-01" in ids(later)
    assert "brief-2020/2020-01-01" in ids(later)
    assert [d.id for d in later.missing] == ["testcirculaire-2020"]
    assert "Op 2021-01-01 gold Testcirculaire 2020" in later.notices()[0]


def test_selection_without_date_takes_newest_held_edition_and_reports_newer(settings: Settings) -> None:
    sel = Manifest.load(settings.manifest_path).select(None)
    docs = {v.doc for v in sel.versions}
    assert "BWBR9000002" in docs and "BWBR9000001" not in docs
    assert [d.id for d in sel.missing] == ["testcirculaire-2020"]
    assert "nieuwere editie" in sel.notices()[0]


def test_text_references_resolve_to_corpus_documents(settings: Settings) -> None:
    corpus = ingest(settings)
    p = corpus.unit("BWBR9000001", "1.1", version="2010-01-01")[0]
    assert ("BWBR9000003", "artikel 3 lid 2") in {(r.target_doc, r.target_ref) for r in p.references}
    # a law citing itself without a name; another law's year is not this one
    law = corpus.unit("BWBR9000003", "artikel 1 lid 1")[0]
    assert ("BWBR9000003", "artikel 3") in {(r.target_doc, r.target_ref) for r in law.references}
    own = corpus.unit("BWBR9000003", "artikel 3a")[0]
    assert all(r.target_ref != "artikel 16" for r in own.references)


def _resolver() -> ReferenceResolver:
    law = DocumentInfo(id="BWBR1", kind="wet", title="Wet op de fietsenstallingen en rijwielbewaarplaatsen 2009",
                       short_title="Wfr 2009", versions=(VersionInfo("BWBR1", date(2009, 1, 1), "x.md", "laws-markdown", ""),))
    return ReferenceResolver({"BWBR1": law})


def test_an_enumeration_cites_every_article_it_lists() -> None:
    refs = _resolver().find("*Wfr 2009*: artikelen 1, 3, 4 en 56-59. De taak is ruim.", "circ")
    assert [r.target_ref for r in refs] == ["artikel 1", "artikel 3", "artikel 4", "artikel 56", "artikel 57",
                                            "artikel 58", "artikel 59"]
    # members and sub-items between the numbers; a long name that ends just before the list
    refs = _resolver().find("*Wet op de fietsenstallingen en rijwielbewaarplaatsen 2009:* artikelen 6, tweede lid, "
                            "sub e, 6a, 7, tweede lid, sub f, 13 en 62. Op basis van artikel 2 van de Gemeentewet.",
                            "circ")
    assert [(r.target_doc, r.target_ref) for r in refs] == [("BWBR1", t) for t in (
        "artikel 6 lid 2", "artikel 6a", "artikel 7 lid 2", "artikel 13", "artikel 62")]
    # a single article is no enumeration: "artikel 5, 2012" cites only artikel 5
    assert [r.target_ref for r in _resolver().find("artikel 5, 2012 en 2013 van de Wfr 2009", "circ")] == ["artikel 5"]


def test_unit_includes_members_and_unknown_ref_is_not_found(settings: Settings) -> None:
    corpus = ingest(settings)
    assert [p.ref for p in corpus.unit("BWBR9000003", "artikel 3")] == ["artikel 3 lid 1", "artikel 3 lid 2"]
    with pytest.raises(NotFoundError):
        corpus.unit("BWBR9000003", "artikel 99")
    with pytest.raises(NotFoundError):
        corpus.unit("testcirculaire-2020", "1")


def _run(capsys: pytest.CaptureFixture[str], settings: Settings, *argv: str) -> tuple[int, str, str]:
    code = main(["--corpus-dir", str(settings.corpus_dir), "--data-dir", str(settings.data_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_show_stats_toc_and_errors(capsys: pytest.CaptureFixture[str], settings: Settings) -> None:
    code, out, _ = _run(capsys, settings, "corpus", "show", "BWBR9000001", "1.1", "--date", "2011-05-05")
    assert code == 0 and "artikel 3, tweede lid" in out and "versie 2010-01-01" in out
    code, out, _ = _run(capsys, settings, "corpus", "stats", "--json")
    stats = json.loads(out)
    assert stats["versions"] == 5 and stats["documents"] == 5
    code, out, _ = _run(capsys, settings, "corpus", "toc", "BWBR9000002")
    assert "Bijlage 1 Lijst van afkortingen" in out
    code, _, err = _run(capsys, settings, "corpus", "show", "BWBR9000002", "9.9")
    assert code == 3 and "has no passage" in err and "Traceback" not in err
    code, _, err = _run(capsys, settings, "corpus", "show", "BWBR9000002", "1", "--date", "gisteren")
    assert code == 2 and "not a date" in err


def test_build_is_atomic(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from kennis.service import Kennis

    k = Kennis(settings)
    k.build()
    marker = settings.kb_dir / "corpus.json"
    before = marker.read_bytes()

    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    from kennis.buildcache import Step

    monkeypatch.setattr(Kennis, "_build_steps", lambda self, *_: [Step("broken", broken, lambda: "changed")])
    with pytest.raises(RuntimeError):
        Kennis(settings).build()
    assert marker.read_bytes() == before
    assert not [p for p in settings.data_dir.iterdir() if p.name.startswith(".build-")]
