"""``kennis corpus add``: official files into a copy of the fixture corpus, all or nothing.

Fixtures: ``tests/fixtures/official/`` (written for the tests). The ``integration`` tests
use a copy of the real corpus and the samples of ``../shared/samples/official``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tomllib
from datetime import date
from pathlib import Path
from typing import Iterator

import pytest

from kennis.cli import main
from kennis.config import Settings
from kennis.corpus import Manifest, ingest
from kennis.corpus.add import Options, add_paths
from kennis.corpus.manifest_edit import ManifestEdit
from kennis.errors import ChecksumError, ConfigError, InvalidInputError, ParseError
from kennis.progress import Progress
from kennis.service import Kennis
from tests.conftest import FIXTURE_ABOX, FIXTURE_CORPUS, REAL_CORPUS

OFFICIAL = Path(__file__).parent / "fixtures" / "official"
REPO = OFFICIAL / "repo" / "BWBR9000005"
CIRCULAIRE = OFFICIAL / "circulaire" / "BWBR9000004_2026-01-01_0.xml"
STCRT = OFFICIAL / "stcrt" / "stcrt-2099-12345.xml"
SAMPLES = REAL_CORPUS.parent / "samples" / "official"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_repository_folder_is_added_with_its_manifest_entry(settings: Settings) -> None:
    before = settings.manifest_path.read_text(encoding="utf-8")
    result = add_paths(settings, [REPO])
    assert result.changed
    assert sorted((f.format, f.doc, f.version, f.path, f.status) for f in result.files) == [
        ("bwb-toestand", "BWBR9000005", "2021-07-01", "bwb/BWBR9000005/2021-07-01.xml", "added"),
        ("bwb-wti", "BWBR9000005", "", "bwb/BWBR9000005/BWBR9000005.WTI", "added"),
    ]
    after = settings.manifest_path.read_text(encoding="utf-8")
    assert after.startswith(before)  # comments, order and layout of what was there are kept
    entry = next(d for d in tomllib.loads(after)["document"] if d["id"] == "BWBR9000005")
    data = (REPO / "BWBR9000005_2021-07-01_0.xml").read_bytes()
    assert entry == {
        "id": "BWBR9000005", "kind": "wet", "title": "Testwet toezicht fietsenstallingen", "short_title": "Wtf",
        "issuer": "Testministerie", "abbreviations": ["Wtf"], "valid_from": "2021-07-01",
        "url": "https://wetten.overheid.nl/BWBR9000005", "wti": "bwb/BWBR9000005/BWBR9000005.WTI",
        "wti_sha256": hashlib.sha256((REPO / "BWBR9000005.WTI").read_bytes()).hexdigest(),
        "version": [{"date": "2021-07-01", "path": "bwb/BWBR9000005/2021-07-01.xml", "format": "bwb-toestand",
                     "sha256": hashlib.sha256(data).hexdigest()}],
    }
    assert (settings.corpus_dir / "bwb/BWBR9000005/2021-07-01.xml").read_bytes() == data
    corpus = ingest(settings)  # verifies every checksum, the WTI's included
    lid2 = corpus.unit("BWBR9000005", "artikel 1.2 lid 2")[0]
    # references resolve to corpus documents: the law itself and the Testwet 2009 of the fixture corpus
    assert {(r.target_doc, r.target_ref) for r in lid2.references} >= {("BWBR9000005", "artikel 1.2"),
                                                                       ("BWBR9000003", "artikel 3")}
    assert all(corpus.unit(r.target_doc, r.target_ref) for r in lid2.references if r.target_doc)
    assert lid2.url == "https://wetten.overheid.nl/" + lid2.jci
    assert {(b.ref, b.relation, b.target) for b in corpus.legal_bases} == {
        ("", "grondslag-voor", "BWBR9000001"), ("artikel 1.2", "grondslag-voor", "BWBR9000001"),
        ("artikel 1.2", "wettelijke-bevoegdheid-voor", "BWBR9999999")}


def test_adding_again_changes_nothing(settings: Settings) -> None:
    add_paths(settings, [REPO])
    snapshot = _snapshot(settings.corpus_dir)
    result = add_paths(settings, [REPO])
    assert not result.changed and {f.status for f in result.files} == {"unchanged"}
    assert _snapshot(settings.corpus_dir) == snapshot


def test_a_newer_wti_replaces_the_one_held(settings: Settings, tmp_path: Path) -> None:
    add_paths(settings, [REPO])
    newer = tmp_path / "BWBR9000005.WTI"
    newer.write_bytes((REPO / "BWBR9000005.WTI").read_bytes().replace(b'geldig-van="2022-01-01"', b'geldig-van="2022-02-01"'))
    result = add_paths(settings, [newer])
    assert [f.status for f in result.files] == ["updated"]
    doc = Manifest.load(settings.manifest_path).document("BWBR9000005")  # the checksum matches the new file
    assert (settings.corpus_dir / doc.wti).read_bytes() == newer.read_bytes()
    assert doc.wti_sha256 == hashlib.sha256(newer.read_bytes()).hexdigest()


def test_version_of_a_document_known_by_metadata_only(settings: Settings) -> None:
    # the manifest knows the 2026 edition by its metadata; its toestand then arrives
    text = settings.manifest_path.read_text(encoding="utf-8")
    edit = ManifestEdit(text)
    edit.add_document({"id": "BWBR9000004", "work": "testcirculaire", "kind": "circulaire",
                       "title": "Testcirculaire 2026", "valid_from": "2026-01-01", "supersedes": "testcirculaire-2020"}, [])
    settings.manifest_path.write_text(edit.render()[0] + "\n# --- trailing comment kept ---\n", encoding="utf-8")
    assert [d.id for d in Manifest.load(settings.manifest_path).select(None).missing] == ["testcirculaire-2020",
                                                                                        "BWBR9000004"]
    add_paths(settings, [CIRCULAIRE])
    after = settings.manifest_path.read_text(encoding="utf-8")
    assert after.rstrip().endswith("# --- trailing comment kept ---")
    m = Manifest.load(settings.manifest_path)
    doc = m.document("BWBR9000004")
    assert doc.title == "Testcirculaire 2026"  # curated metadata is not overwritten
    assert [(v.version, v.format) for v in doc.versions] == [("2026-01-01", "bwb-toestand")]
    # the 2026 edition is now the text read without a date, and nothing is missing any more
    selection = m.select(None)
    assert "BWBR9000004/2026-01-01" in selection.version_ids and not selection.missing


def test_options_set_what_the_file_cannot_say(settings: Settings) -> None:
    add_paths(settings, [CIRCULAIRE], Options(work="testcirculaire", supersedes="testcirculaire-2020",
                                              valid_to=date(2030, 12, 31)))
    doc = Manifest.load(settings.manifest_path).document("BWBR9000004")
    assert (doc.work, doc.supersedes, str(doc.valid_to), doc.kind) == ("testcirculaire", "testcirculaire-2020",
                                                                      "2030-12-31", "circulaire")
    with pytest.raises(InvalidInputError, match="unknown work"):
        add_paths(settings, [STCRT], Options(work="no-such-work"))


def test_publication_is_added_with_the_precision_of_its_date(settings: Settings) -> None:
    add_paths(settings, [STCRT])
    doc = Manifest.load(settings.manifest_path).document("stcrt-2099-12345")
    (v,) = doc.versions
    assert (v.version, v.date_precision, v.path, doc.url) == (
        "2099-01-01", "year", "officiele-publicaties/stcrt-2099-12345.xml",
        "https://zoek.officielebekendmakingen.nl/stcrt-2099-12345.html")
    passages = ingest(settings).unit("stcrt-2099-12345", "")
    assert passages[0].text.startswith("Toezichthouders controleren")


@pytest.mark.parametrize("case", ["truncated", "unknown", "conflict", "hash", "read-only", "orphan-wti"])
def test_bad_input_is_refused_and_changes_nothing(settings: Settings, tmp_path: Path, case: str) -> None:
    add_paths(settings, [CIRCULAIRE])
    snapshot = _snapshot(settings.corpus_dir)
    bad = tmp_path / "in"
    bad.mkdir()
    expected: type[Exception]
    if case == "truncated":
        data = (REPO / "BWBR9000005_2021-07-01_0.xml").read_bytes()
        (bad / "t.xml").write_bytes(data[: len(data) - 200])
        paths, expected, message = [bad / "t.xml"], ParseError, "not well-formed XML"
    elif case == "unknown":
        (bad / "x.md").write_text("## Een tekst\n", encoding="utf-8")
        paths, expected, message = [bad / "x.md"], ParseError, "unknown format"
    elif case == "conflict":
        # the same toestand date with other content
        (bad / "c.xml").write_bytes(CIRCULAIRE.read_bytes().replace(b"vervangt die van 2015", b"vervangt die van 2016"))
        paths, expected, message = [bad / "c.xml"], ChecksumError, "another checksum"
    elif case == "hash":
        shutil.copytree(REPO, bad / "repo")
        f = bad / "repo" / "BWBR9000005_2021-07-01_0.xml"
        f.write_bytes(f.read_bytes().replace(b"Tarieven", b"Tarieven!"))
        paths, expected, message = [bad / "repo"], ChecksumError, "SHA-512"
    elif case == "read-only":
        paths, expected, message = [REPO], ConfigError, "read-only"
        for p in [settings.corpus_dir, *settings.corpus_dir.rglob("*")]:
            p.chmod(p.stat().st_mode & ~0o222)
    else:
        shutil.copy(REPO / "BWBR9000005.WTI", bad / "BWBR9000005.WTI")
        paths, expected, message = [bad / "BWBR9000005.WTI"], InvalidInputError, "belongs to no document"
    try:
        with pytest.raises(expected, match=message):
            add_paths(settings, paths)
    finally:
        for p in [settings.corpus_dir, *settings.corpus_dir.rglob("*")]:
            p.chmod(p.stat().st_mode | 0o200)
    assert _snapshot(settings.corpus_dir) == snapshot


def test_cli_add_prints_what_it_did_and_one_line_errors(settings: Settings, capsys: pytest.CaptureFixture[str],
                                                        tmp_path: Path) -> None:
    args = ["--corpus-dir", str(settings.corpus_dir), "--data-dir", str(settings.data_dir)]
    assert main(["corpus", "add", str(STCRT), "--json", "--quiet", *args]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["changed"] and out["files"][0]["doc"] == "stcrt-2099-12345"
    bad = tmp_path / "half.xml"
    bad.write_bytes(CIRCULAIRE.read_bytes()[:500])
    before = settings.manifest_path.read_bytes()
    assert main(["corpus", "add", str(bad), "--quiet", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("kennis: ") and "not well-formed XML" in err[0]
    assert settings.manifest_path.read_bytes() == before


# --- built: links in search, ask and the graph -------------------------------------------------------


@pytest.fixture(scope="module")
def official_kennis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kennis]:
    root = tmp_path_factory.mktemp("official")
    corpus = root / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, data_dir=root / "data", embedder="stand-in", abox_dir=FIXTURE_ABOX)
    k = Kennis(settings)
    k.corpus_add([REPO, CIRCULAIRE, STCRT])
    k.build(Progress(quiet=True))
    yield Kennis(settings)


def test_search_hits_carry_deep_links(official_kennis: Kennis) -> None:
    result = official_kennis.search("toezicht burgemeester stallingen", k=10, doc="BWBR9000005")
    assert result.hits
    assert any(h.ref.startswith("artikel ") for h in result.hits)
    for h in result.hits:
        passage = official_kennis.corpus.passage(h.id)
        # an article or member by its Juriconnect id, any other part by the text of that date
        expected = ("https://wetten.overheid.nl/" + passage.jci if h.ref.startswith("artikel ")
                    else "https://wetten.overheid.nl/BWBR9000005/2021-07-01")
        assert h.url == passage.url == expected
    shipped = official_kennis.search("toezicht stallingen", k=10, doc="BWBR9000003")
    assert shipped.hits and all(h.url.startswith("https://wetten.overheid.nl/") for h in shipped.hits)
    assert all("url" in h for h in shipped.to_dict()["hits"])


def test_answer_sources_carry_deep_links(official_kennis: Kennis) -> None:
    answer = official_kennis.ask("Wie draagt het gezag over de stallingen?", date="2011-01-01")
    assert answer.sources
    for src in answer.sources:
        assert src.url == official_kennis.corpus.passage(src.passage).url != ""
    assert answer.sources[0].url == "https://wetten.overheid.nl/BWBR9000001/2010-01-01"
    assert all(s.source is None or s.source.url for s in answer.path)
    assert "url" in answer.to_dict()["sources"][0]


def test_api_serves_the_links(official_kennis: Kennis) -> None:
    from fastapi.testclient import TestClient

    from kennis.api import create_app

    with TestClient(create_app(official_kennis.settings, core=official_kennis)) as client:
        hits = client.get("/api/search", params={"q": "toezicht burgemeester", "doc": "BWBR9000005"}).json()["hits"]
        assert hits and [h["url"] for h in hits] == [h.url for h in official_kennis.search(
            "toezicht burgemeester", doc="BWBR9000005").hits]
        (p,) = client.get("/api/documents/BWBR9000005/artikel 1.2 lid 1").json()["passages"]
        assert p["url"] == "https://wetten.overheid.nl/" + p["jci"] and "&artikel=1.2&lid=1&" in p["jci"]


def test_interface_shows_the_link_next_to_each_source(official_kennis: Kennis, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from kennis.config import REPO_ROOT

    st = official_kennis.settings
    for name, value in (("CORPUS_DIR", st.corpus_dir), ("DATA_DIR", st.data_dir), ("EMBEDDER", "stand-in"),
                        ("ABOX_DIR", st.abox_dir)):
        monkeypatch.setenv(f"KENNIS_{name}", str(value))
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60).run()
    at.text_input(key="search_q").input("toezicht burgemeester stallingen").run()
    assert not at.exception
    cards = [m.value for m in at.markdown if m.value.startswith("**1.")]
    hit = official_kennis.search("toezicht burgemeester stallingen").hits[0]
    assert cards and cards[0].endswith(f" · [wetten.overheid.nl ↗]({hit.url})")


def test_legal_bases_are_queryable_by_sparql(official_kennis: Kennis) -> None:
    from rdflib.namespace import RDF

    from kennis.graph.vocab import ELI, KB

    table = official_kennis.sparql(f"""
        SELECT ?kind ?from ?to ?provision ?based WHERE {{
          ?r <{RDF.type}> <{KB.LegalBasisRelation}> ; <{KB.basisKind}> ?kind ;
             <{KB.basisProvision}> ?provision ; <{KB.basedResource}> ?based ; <{KB.validFrom}> ?from .
          OPTIONAL {{ ?r <{KB.validTo}> ?to }}
          ?based <{ELI.based_on}> ?provision .
        }} ORDER BY ?kind ?from""")
    rows = [dict(zip(table.columns, r)) for r in table.rows]
    kinds = sorted((r["kind"], r["from"], r["to"] or "") for r in rows)
    assert kinds == [("grondslag-voor", "2021-07-01", ""), ("grondslag-voor", "2021-07-01", "2023-12-31"),
                     ("wettelijke-bevoegdheid-voor", "2022-01-01", "")]
    article = next(r for r in rows if r["to"] == "2023-12-31")
    assert article["provision"].endswith("/section/BWBR9000005/2021-07-01/artikel-1.2")
    assert article["based"].endswith("/doc/BWBR9000001")  # held in the corpus: its own IRI
    outside = next(r for r in rows if r["kind"] == "wettelijke-bevoegdheid-voor")
    assert outside["based"] == "https://wetten.overheid.nl/jci1.3:c:BWBR9999999"


# --- the real corpus and samples ---------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.skipif(not (SAMPLES / "bwb").is_dir(), reason="../shared/samples/official is not available")
def test_woo_and_staatscourant_samples_in_a_copy_of_the_real_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KENNIS_EMBEDDER", "stand-in")  # the CLI reads its settings from the environment
    corpus = tmp_path / "corpus"
    shutil.copytree(REAL_CORPUS, corpus)
    for p in [corpus, *corpus.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data", embedder="stand-in")
    shipped = [p.id for p in ingest(settings).passages()]
    before = settings.manifest_path.read_bytes()
    # a truncated toestand is refused and MANIFEST.toml stays the same, byte for byte
    woo = SAMPLES / "bwb" / "BWBR0045754" / "BWBR0045754_2022-05-01_0.xml"
    (tmp_path / "cut.xml").write_bytes(woo.read_bytes()[:200_000])
    args = ["--corpus-dir", str(corpus), "--data-dir", str(settings.data_dir)]
    assert main(["corpus", "add", str(tmp_path / "cut.xml"), *args]) == 2
    assert settings.manifest_path.read_bytes() == before
    assert main(["corpus", "add", str(SAMPLES / "bwb" / "BWBR0045754"), str(SAMPLES / "stcrt"), "--quiet", *args]) == 0
    assert main(["build", "--quiet", *args]) == 0
    capsys.readouterr()
    assert main(["corpus", "show", "BWBR0045754", "artikel 1.1", *args]) == 0
    assert "Eenieder heeft recht op toegang tot publieke informatie" in capsys.readouterr().out
    assert main(["corpus", "show", "BWBR0045754", "artikel 2.4 lid 1", *args]) == 0
    assert "geordende en toegankelijke staat" in capsys.readouterr().out
    assert main(["corpus", "show", "stcrt-2015-47076", "", *args]) == 0
    assert "Vennewatersweg 29" in capsys.readouterr().out
    assert main(["search", "welke informatie wordt niet openbaar gemaakt", "--doc", "BWBR0045754",
                 "--json", "--quiet", *args]) == 0
    hits = json.loads(capsys.readouterr().out)["results"]
    found = [h for h in hits if h["ref"].startswith("artikel 5.1")]
    assert found and found[0]["url"].startswith("https://wetten.overheid.nl/jci1.3:c:BWBR0045754&hoofdstuk=5&artikel=5.1")
    # the shipped texts keep their passage ids
    k = Kennis(settings)
    assert [p.id for p in k.corpus.passages() if p.doc != "BWBR0045754" and p.doc != "stcrt-2015-47076"] == shipped
