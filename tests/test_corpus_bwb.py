"""Readers of the government's XML: BWB toestand (wet and circulaire bodies), WTI, repository
manifest, officiële publicatie; Juriconnect ids and deep links. Fixtures in
``tests/fixtures/official/`` were written for the tests in the official schemas; the tests
marked ``integration`` read the real samples in ``../shared/samples/official``."""

from __future__ import annotations

import hashlib
import time
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from kennis.config import REPO_ROOT
from kennis.corpus import bwb, bwbmanifest, links, officiele, wti
from kennis.corpus.add import sniff
from kennis.errors import ChecksumError, ParseError

OFFICIAL = Path(__file__).parent / "fixtures" / "official"
WET = OFFICIAL / "repo" / "BWBR9000005" / "BWBR9000005_2021-07-01_0.xml"
CIRCULAIRE = OFFICIAL / "circulaire" / "BWBR9000004_2026-01-01_0.xml"
STCRT = OFFICIAL / "stcrt" / "stcrt-2099-12345.xml"
SAMPLES = REPO_ROOT.parent / "shared" / "samples" / "official"
WOO = SAMPLES / "bwb" / "BWBR0045754" / "BWBR0045754_2022-05-01_0.xml"


def _by_ref(pv):
    out: dict[str, list] = {}
    for p in pv.passages:
        out.setdefault(p.ref, []).append(p)
    return out


# --- BWB toestand: a law ---------------------------------------------------------------------


def test_wet_toestand_refs_members_lists_tables_and_notes() -> None:
    pv = bwb.parse_toestand(WET.read_bytes(), "BWBR9000005", "2021-07-01")
    refs = _by_ref(pv)
    assert list(refs) == ["aanhef", "artikel 1.1", "artikel 1.2 lid 1", "artikel 1.2 lid 2", "artikel 2.1",
                          "ondertekening", "bijlage 1"]
    art = refs["artikel 1.1"][0]
    assert art.path == ("Hoofdstuk 1 Algemeen", "Artikel 1.1 Begrippen")
    assert art.text.splitlines() == ["In deze wet wordt verstaan onder:",
                                     "a. stalling: een overdekte plaats voor fietsen;",
                                     "b. beheerder: degene die de stalling exploiteert."]
    assert [(f.label, f.text) for f in art.footnotes] == [("1", "Zie ook de Testwet 2009.")]
    assert refs["artikel 1.2 lid 1"][0].text.startswith("1. De burgemeester houdt toezicht")
    assert refs["artikel 2.1"][0].text.splitlines()[1:] == ["| dag | 1 euro |", "| week | 5 euro |"]
    assert refs["bijlage 1"][0].path == ("Bijlage 1 bij artikel 2.1",)
    # the reference in a heading goes with the first passage of its unit
    assert [(r.bwb_id, r.target_ref) for r in refs["bijlage 1"][0].references] == [("BWBR9000005", "artikel 2.1")]
    sections = {s.ref: s for s in pv.sections}
    assert sections["artikel 1.2"].parent_ref == "hoofdstuk 1" and sections["artikel 1.2"].number == "Artikel 1.2"
    assert pv.title == "Testwet toezicht fietsenstallingen"
    # building twice gives the same ids
    assert [p.id for p in pv.passages] == [p.id for p in bwb.parse_toestand(WET.read_bytes(), "BWBR9000005", "2021-07-01").passages]


def test_every_passage_has_a_juriconnect_id() -> None:
    pv = bwb.parse_toestand(WET.read_bytes(), "BWBR9000005", "2021-07-01")
    jci = {p.ref: p.jci for p in pv.passages}
    assert jci["artikel 1.1"] == "jci1.3:c:BWBR9000005&hoofdstuk=1&artikel=1.1&z=2021-07-01&g=2021-07-01"
    assert jci["artikel 1.2 lid 1"].endswith("&artikel=1.2&lid=1&z=2021-07-01&g=2021-07-01")
    # a member without jci metadata of its own: its article's id with lid=2, before the dates
    assert jci["artikel 1.2 lid 2"] == "jci1.3:c:BWBR9000005&hoofdstuk=1&artikel=1.2&lid=2&z=2021-07-01&g=2021-07-01"
    # parts outside the articles carry the regulation's own id
    assert jci["aanhef"] == jci["bijlage 1"] == "jci1.3:c:BWBR9000005&z=2021-07-01&g=2021-07-01"


def test_references_from_intref_and_extref() -> None:
    pv = bwb.parse_toestand(WET.read_bytes(), "BWBR9000005", "2021-07-01")
    refs = {p.ref: p.references for p in pv.passages}
    (own,) = refs["artikel 1.2 lid 1"]
    assert (own.bwb_id, own.target_ref, own.source, own.text) == ("BWBR9000005", "artikel 1.1", "link", "artikel 1.1, onderdeel a")
    second = {(r.bwb_id, r.target_ref) for r in refs["artikel 1.2 lid 2"]}
    # an intref without a Juriconnect target is read from its text (dotted article numbers kept)
    assert second == {("BWBR9000005", "artikel 1.2"), ("BWBR9000003", "artikel 3")}


def test_truncated_toestand_is_refused() -> None:
    data = WET.read_bytes()
    with pytest.raises(ParseError, match="not well-formed XML.*complete"):
        bwb.parse_toestand(data[: len(data) // 2], "BWBR9000005", "2021-07-01")
    with pytest.raises(ParseError, match="not a BWB toestand"):
        bwb.load(STCRT.read_bytes(), "stcrt")


# --- BWB toestand: a circulaire -----------------------------------------------------------------


def test_circulaire_divisions_become_numbered_units() -> None:
    root = bwb.load(CIRCULAIRE.read_bytes(), "c")
    meta = bwb.read_meta(root, "c")
    assert (meta.bwb_id, meta.date, meta.kind, meta.title) == ("BWBR9000004", date(2026, 1, 1), "circulaire",
                                                               "Testcirculaire toezicht op fietsenstallingen 2026")
    pv = bwb.parse_toestand(CIRCULAIRE.read_bytes(), "BWBR9000004", "2026-01-01")
    refs = _by_ref(pv)
    assert list(refs) == ["aanhef", "samenvatting", "1", "1.1", "2.1", "bijlage 2", "ondertekening"]
    assert refs["1.1"][0].text.splitlines() == ["Zij geldt voor alle overdekte stallingen.",
                                                "• stallingen bij stations;", "• stallingen bij scholen."]
    # an unnumbered division inside a numbered one is a sub-heading of its unit
    assert [p.path for p in refs["1"]] == [("1 Inleiding",), ("1 Inleiding", "Achtergrond")]
    unit = refs["2.1"][0]
    assert unit.path == ("2 Verantwoordelijkheden", "2.1 De burgemeester")
    assert "Taken" in unit.text and unit.footnotes[0].text == "Testwet 2009, artikel 3."
    assert [(r.bwb_id, r.target_ref) for r in unit.references] == [("BWBR9000003", "artikel 3")]
    assert unit.jci == "jci1.3:c:BWBR9000004&circulaire.divisie=2.1&z=2026-01-01&g=2026-01-01"
    assert refs["bijlage 2"][0].text.splitlines() == ["| gemeente | telefoon |", "| Testdorp | 0123 |"]
    assert {s.ref: s.parent_ref for s in pv.sections}["2.1"] == "2"


# --- officiële publicatie --------------------------------------------------------------------------


def test_staatscourant_publication() -> None:
    data = STCRT.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark the publications carry
    meta = officiele.read_meta(officiele.load(data, "s"), "s")
    assert (meta.pub_id, meta.title, meta.kind, meta.series) == ("stcrt-2099-12345", "Testbeleidsregel stallingstoezicht",
                                                                 "circulaire", "staatscourant")
    # only the id dates it: the year, with that precision
    assert (meta.date, meta.date_precision) == (date(2099, 1, 1), "year")
    pv = officiele.parse_publication(data, meta.pub_id, "2099-01-01")
    (p,) = pv.passages
    assert (p.ref, p.path) == ("", ("Testbeleidsregel stallingstoezicht",))
    # the indentation between two inline elements is not a space of the text
    assert p.text.splitlines() == ["Toezichthouders controleren elke stalling eens per jaar.", "Testdorp, 12 maart 2099"]


def test_kamerstuk_publication() -> None:
    data = (OFFICIAL / "kst" / "kst-99999-1.xml").read_bytes()
    meta = officiele.read_meta(officiele.load(data, "k"), "k")
    assert (meta.pub_id, meta.kind, meta.date, meta.date_precision) == ("kst-99999-1", "kamerstuk", date(2099, 3, 2), "day")
    assert meta.title == "Testdossier toezicht op fietsenstallingen: BRIEF VAN DE TESTMINISTER"
    (p,) = officiele.parse_publication(data, meta.pub_id, "2099-03-02").passages
    assert p.text.splitlines() == ["Hierbij bied ik u de testcirculaire aan.", "Zij treedt in werking op 1 januari 2100."]
    assert links.citation_url(meta.pub_id, "2099-03-02", "") == "https://zoek.officielebekendmakingen.nl/kst-99999-1.html"


# --- WTI and repository manifest ---------------------------------------------------------------------


def test_wti_titles_and_dated_legal_bases() -> None:
    parsed = wti.parse_wti((OFFICIAL / "repo" / "BWBR9000005" / "BWBR9000005.WTI").read_bytes())
    assert (parsed.bwb_id, parsed.title, parsed.abbreviations, parsed.kind, parsed.authority) == (
        "BWBR9000005", "Testwet toezicht fietsenstallingen", ("Wtf",), "wet", "Testministerie")
    got = {(b.ref, b.relation, b.target, b.valid_from, b.valid_to) for b in parsed.relations}
    assert got == {
        ("", "grondslag-voor", "BWBR9000001", date(2021, 7, 1), None),
        ("artikel 1.2", "grondslag-voor", "BWBR9000001", date(2021, 7, 1), date(2023, 12, 31)),
        ("artikel 1.2", "wettelijke-bevoegdheid-voor", "BWBR9999999", date(2022, 1, 1), None),
    }


def test_repository_manifest_and_its_hash_codes() -> None:
    folder = OFFICIAL / "repo" / "BWBR9000005"
    man = bwbmanifest.parse_manifest((folder / "manifest.xml").read_bytes())
    assert (man.bwb_id, man.in_force_from, man.wti) == ("BWBR9000005", date(2021, 7, 1), "BWBR9000005.WTI")
    assert [(e.label, e.start, e.end) for e in man.expressions] == [
        ("2021-07-01_0", date(2021, 7, 1), date(2021, 12, 31)), ("2022-01-01_0", date(2022, 1, 1), None)]
    assert man.expressions[1].xml_item() is None  # withdrawn
    data = (folder / "BWBR9000005_2021-07-01_0.xml").read_bytes()
    man.verify("BWBR9000005_2021-07-01_0.xml", data)
    with pytest.raises(ChecksumError, match="SHA-512"):
        man.verify("BWBR9000005_2021-07-01_0.xml", data.replace(b"toezicht", b"toezigt"))
    with pytest.raises(ChecksumError, match="deleted"):
        man.verify("BWBR9000005_2022-01-01_0.xml", data)


def test_formats_are_recognised_by_their_root() -> None:
    assert sniff(WET.read_bytes()) == "bwb-toestand"
    assert sniff(STCRT.read_bytes()) == "officiele-publicatie"
    assert sniff((OFFICIAL / "repo" / "BWBR9000005" / "BWBR9000005.WTI").read_bytes()) == "bwb-wti"
    assert sniff((OFFICIAL / "sru" / "BWBR9000004.xml").read_bytes()) == "sru"
    assert sniff(b"## Titel\n") is None and sniff(b"<html><body/></html>") is None


# --- deep links -------------------------------------------------------------------------------------


def test_citation_urls() -> None:
    art = "jci1.3:c:BWBR9000005&hoofdstuk=1&artikel=1.1&z=2021-07-01&g=2021-07-01"
    assert links.citation_url("BWBR9000005", "2021-07-01", "artikel 1.1", art) == links.WETTEN + art
    # a markdown text without jci metadata: computed from the citation
    assert links.citation_url("BWBR0031788", "2015-07-20", "artikel 16 lid 1") == (
        "https://wetten.overheid.nl/jci1.3:c:BWBR0031788&artikel=16&lid=1&z=2015-07-20&g=2015-07-20")
    # other units of a BWB text: the consolidated text of that date
    assert links.citation_url("BWBR0036811", "2015-07-09", "4.2") == "https://wetten.overheid.nl/BWBR0036811/2015-07-09"
    assert links.citation_url("stcrt-2015-47076", "2015-01-01", "") == "https://zoek.officielebekendmakingen.nl/stcrt-2015-47076.html"
    assert links.citation_url("kamerbrief-2026", "2026-01-01", "") == ""
    parsed = links.parse_jci("jci1.3:c:BWBR0045754&hoofdstuk=2&artikel=2.2&lid=1&o=a&z=2022-05-01&g=2022-05-01")
    assert parsed is not None and (parsed.bwb_id, parsed.ref) == ("BWBR0045754", "artikel 2.2 lid 1")
    assert links.parse_jci("31990L0313") is None


def test_interface_shows_the_link_next_to_a_source() -> None:
    from kennis.ui.common import source_link

    url = "https://wetten.overheid.nl/jci1.3:c:BWBR0031788&artikel=16&lid=1&z=2015-07-20&g=2015-07-20"
    assert source_link(url) == f" · [wetten.overheid.nl ↗]({url})"
    assert source_link(url, markdown=False) == (' · <a href="https://wetten.overheid.nl/jci1.3:c:BWBR0031788&amp;artikel=16'
                                                '&amp;lid=1&amp;z=2015-07-20&amp;g=2015-07-20" target="_blank">wetten.overheid.nl ↗</a>')
    assert "officielebekendmakingen.nl ↗" in source_link(links.publication_url("stcrt-2015-47076"))
    assert source_link("") == ""


# --- the real samples ---------------------------------------------------------------------------------


needs_samples = pytest.mark.skipif(not WOO.is_file(), reason="../shared/samples/official is not available")


@pytest.mark.integration
@needs_samples
def test_woo_sample_every_passage_has_a_jci_and_intrefs_resolve_within_the_law() -> None:
    data = WOO.read_bytes()
    started = time.perf_counter()
    pv = bwb.parse_toestand(data, "BWBR0045754", "2022-05-01")
    assert time.perf_counter() - started < 5  # generous; the benchmark measures it
    refs = {p.ref for p in pv.passages}
    assert {"artikel 1.1", "artikel 2.4 lid 1", "artikel 5.1 lid 1"} <= refs
    assert pv.passages and all(p.jci.startswith("jci1.3:c:BWBR0045754") for p in pv.passages)
    members = [p for p in pv.passages if " lid " in p.ref]
    assert all(f"&lid={p.ref.rsplit(' ', 1)[1]}&" in p.jci for p in members)
    root = etree.fromstring(data)
    articles = {a.findtext("kop/nr").strip() for a in root.iter("artikel")}
    by_ref: dict[str, bool] = {}
    for p in pv.passages:
        by_ref[p.ref] = True
    checked = 0
    for r in (r for p in pv.passages for r in p.references if r.bwb_id == "BWBR0045754"):
        if not (r.target_ref or "").startswith("artikel "):
            continue
        number = r.target_ref.split()[1]
        checked += 1
        if number in articles:  # an intref to an article of this toestand resolves to its passages
            assert any(ref == r.target_ref or ref.startswith(r.target_ref + " ") for ref in by_ref), r
    # every intref to an article in the XML is on some passage, those in headings included
    in_xml = [e for e in root.iter("intref") if "artikel=" in (e.get("doc") or "")
              or (not e.get("doc") and (e.text or "").startswith("artikel"))]
    assert checked == len(in_xml)


@pytest.mark.integration
@needs_samples
def test_regulation_and_publication_samples_parse() -> None:
    for path in sorted((SAMPLES / "bwb").glob("BWBR*/BWBR*_*.xml")):
        root = bwb.load(path.read_bytes(), path.name)
        meta = bwb.read_meta(root, path.name)
        pv = bwb.parse_toestand(path.read_bytes(), meta.bwb_id, meta.date.isoformat())
        assert pv.passages and all(p.jci for p in pv.passages), path.name
        assert any(p.ref.startswith("artikel ") for p in pv.passages), path.name
    data = (SAMPLES / "stcrt" / "stcrt-2015-47076.xml").read_bytes()
    meta = officiele.read_meta(officiele.load(data, "s"), "s")
    assert meta.pub_id == "stcrt-2015-47076" and meta.title == "Ter inzage: omgevingsvergunning"
    manifest = bwbmanifest.parse_manifest((SAMPLES / "bwb" / "BWBR0045754" / "manifest.xml").read_bytes())
    manifest.verify(WOO.name, WOO.read_bytes())
    assert hashlib.sha512(WOO.read_bytes()).hexdigest() == manifest.item(WOO.name)[1].sha512
    relations = wti.parse_wti((SAMPLES / "bwb" / "BWBR0045754" / "BWBR0045754.WTI").read_bytes()).relations
    kinds = {b.relation for b in relations if b.ref.startswith("artikel ")}
    assert kinds == {"grondslag-voor", "wettelijke-bevoegdheid-voor"}
