"""Parser quirks, each on a short text written for the test."""

from __future__ import annotations

import pytest

from kennis.corpus.markdown import classify_heading, parse_markdown
from kennis.corpus.plain import parse_plain
from kennis.corpus.segment import TARGET_CHARS, Block, make_passages

META = "<meta http-equiv='Content-Type' content='text/html; charset=utf-8' />\n\n"


def parse(body: str, doc: str = "BWBR9999999"):
    return parse_markdown(META + "##Een titel\n\n" + body, doc, "2020-01-01")


@pytest.mark.parametrize(
    ("heading", "ref"),
    [
        (" 4.2  ", "4.2"),
        (" 5.3.1 ", "5.3.1"),
        (" Hoofdstuk  2  ", "hoofdstuk 2"),
        (" §  2.3  ", "§ 2.3"),
        (" Artikel  16  ", "artikel 16"),
        ("Artikel 3 ", "artikel 3"),
        (" Artikel  2a  ", "artikel 2a"),
        (" Bijlage  1  ", "bijlage 1"),
        (" Afdeling  3.1  ", "afdeling 3.1"),
        ("Titel II ", "titel II"),
    ],
)
def test_numbered_headings(heading: str, ref: str) -> None:
    assert classify_heading(heading).ref == ref


@pytest.mark.parametrize("heading", ["Tabel ‘Ernst’", "Vraag", "Toelichting", " *Algemeen* "])
def test_unnumbered_headings(heading: str) -> None:
    assert classify_heading(heading) is None


def test_meta_title_and_number_heading_pairs() -> None:
    pv = parse("### 1  \n\n####Algemeen\n\nTekst een.\n### 1.1 \n\n####Doel\n\nTekst twee.\n")
    assert pv.title == "Een titel"
    assert [s.ref for s in pv.sections] == ["1", "1.1"]
    assert pv.sections[1].heading == "Doel"
    assert pv.sections[1].parent_ref == "1"
    assert pv.passages[1].path == ("1 Algemeen", "1.1 Doel")


def test_unnumbered_heading_keeps_nearest_number_or_own_text() -> None:
    pv = parse("####Samenvatting\n\nKort.\n### 2  \n\n####Twee\n\nA.\n\n####Toelichting\n\nB.\n###Tabel ‘X’\n\n| a | b |\n")
    refs = [(p.ref, p.path[-1]) for p in pv.passages]
    assert refs[0] == ("samenvatting", "Samenvatting")
    assert ("2", "Toelichting") in refs
    assert ("2", "Tabel ‘X’") in refs
    assert [s.ref for s in pv.sections if s.number] == ["2"]


def test_footnotes_leave_the_sentence() -> None:
    pv = parse("### 1  \n\n####K\n\nDe zin eindigt hier<sup> 3 Een voetnoot met tekst. </sup>. Daarna meer.\n")
    p = pv.passages[0]
    assert p.text == "De zin eindigt hier. Daarna meer."
    assert p.footnotes[0].label == "3"
    assert p.footnotes[0].text == "Een voetnoot met tekst."


def test_links_keep_text_and_bwb_id_and_images_are_dropped() -> None:
    body = "### 1  \n\n####K\n\nZie de [Wet X](../../../wet/x/BWBR0031788/README.md) hier. ![1](http://wetten.overheid.nl/Illustration/1)\n"
    p = parse(body).passages[0]
    assert p.text == "Zie de Wet X hier."
    assert p.references[0].bwb_id == "BWBR0031788"
    assert p.references[0].source == "link"


def test_article_members_become_leden_and_lists_stay_with_their_member() -> None:
    body = "### Artikel  16  \n\n1.  Eerste lid:\n\na.  punt a;\n\nb.  punt b.\n2.  Tweede lid.\n"
    pv = parse(body)
    assert [p.ref for p in pv.passages] == ["artikel 16 lid 1", "artikel 16 lid 2"]
    assert "punt b" in pv.passages[0].text
    assert pv.passages[0].id == "BWBR9999999/2020-01-01/artikel-16-lid-1/1"


def test_numbered_list_outside_an_article_is_not_a_member() -> None:
    pv = parse("### 3  \n\n####K\n\n1.  eerste punt\n2.  tweede punt\n")
    assert {p.ref for p in pv.passages} == {"3"}


def test_pipe_table_drops_separator_rows() -> None:
    pv = parse("### Bijlage  1  \n\n####– Afkortingen\n\n| --- | --- |\n|:---|:---|\n| AB  | Alfa Bravo  |\n")
    assert pv.sections[0].heading == "Afkortingen"
    assert pv.passages[0].text == "| AB | Alfa Bravo |"


def test_preamble_is_cited_as_aanhef() -> None:
    pv = parse("Hierbij de regeling.\n### 1  \n\n####K\n\nTekst.\n")
    assert pv.passages[0].ref == "aanhef"
    assert pv.sections[0].ref == "aanhef"


def test_ids_are_deterministic_and_unique() -> None:
    body = "### 1  \n\n####K\n\n" + "\n\n".join(f"Alinea {i}. " + "woord " * 150 for i in range(6))
    a, b = parse(body), parse(body)
    assert [p.id for p in a.passages] == [p.id for p in b.passages]
    assert len({p.id for p in a.passages}) == len(a.passages) > 1


def test_long_blocks_split_at_sentence_ends_only() -> None:
    text = " ".join(f"Dit is zin nummer {i} van een lange alinea." for i in range(120))
    passages = make_passages("D", "2020-01-01", [Block("1", text, ("1",))])
    assert len(passages) > 1
    for p in passages:
        assert p.text.endswith(".")
        assert len(p.text) <= TARGET_CHARS + 60
    assert " ".join(p.text for p in passages) == text


def test_plain_letter_footnotes_and_single_unit() -> None:
    text = "Eerste alinea met noot[footnoteRef:1] in de zin. [1:  Bron, nr. 2. ]\n\n\nAfsluitend\nLaatste zin.\n"
    pv = parse_plain(text, "brief", "2020-01-01", "Een brief")
    assert [p.ref for p in pv.passages] == ["", ""]
    first = pv.passages[0]
    assert first.text == "Eerste alinea met noot in de zin."
    assert "footnoteRef" not in first.text
    assert first.footnotes[0].text == "Bron, nr. 2."
    assert pv.passages[1].path == ("Een brief", "Afsluitend")
    assert pv.passages[0].id == "brief/2020-01-01/tekst/1"
