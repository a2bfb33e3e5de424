"""Dutch text handling for retrieval (tiny strings written for the tests)."""

from __future__ import annotations

from kennis.text import (
    Abbreviations,
    Analyzer,
    is_glossary,
    parenthetical_abbreviations,
    snippet,
    table_abbreviations,
    vocabulary_of,
)


def test_stopwords_and_stems_and_numbers():
    terms = Analyzer().terms("Wie beslist over artikel 16 en paragraaf 4.2 van de fietsen?")
    assert "wie" not in terms and "van" not in terms
    assert "16" in terms and "4.2" in terms
    assert any(t.startswith("fiets") for t in terms)


def test_abbreviations_survive_stopword_removal():
    a = Analyzer(abbreviations={"om"})
    assert "om" in a.terms("Het OM beslist")           # written as an abbreviation
    assert "om" not in Analyzer().terms("om te gaan")  # the Dutch word stays a stopword
    assert "hovj" in Analyzer().terms("De HOvJ beslist")


def test_compounds_and_plural_s_meet_their_parts():
    vocab = vocabulary_of(["stalling stalling toezicht toezicht niveau niveau"])
    a = Analyzer(vocabulary=vocab)
    compound = a.terms("stallingstoezicht")
    assert set(a.terms("stalling")) <= set(compound)
    assert set(a.terms("toezicht")) <= set(compound)
    assert a.terms("niveaus") == a.terms("niveau")


def test_table_abbreviations_and_glossary():
    text = "| AB | Afdeling Banken |\n| XYZ 2001 | Wet op de xyz 2001 |\n| --- | --- |\n| CD | Centrale Dienst |"
    found = table_abbreviations(text)
    assert found == {"AB": "Afdeling Banken", "XYZ 2001": "Wet op de xyz 2001", "CD": "Centrale Dienst"}
    assert is_glossary(text)
    assert not is_glossary("Gewone tekst over banken.\nMet twee regels.")
    assert table_abbreviations("| Niveau | Betekenis |\n| 1 | Licht |") == {}


def test_parenthetical_abbreviations():
    found = parenthetical_abbreviations("Dat doet de Centrale Stallingsdienst (CSD) elk jaar.")
    assert found == {"CSD": "Centrale Stallingsdienst"}


def test_expand_is_case_sensitive_for_short_abbreviations():
    ab = Abbreviations({"OM": "Openbaar Ministerie", "HOvJ": "Hoofdofficier van Justitie"})
    assert ab.expand("Wat doet het OM?") == ["Openbaar Ministerie"]
    assert ab.expand("om te beginnen") == []
    assert ab.expand("wat doet de hovj") == ["Hoofdofficier van Justitie"]
    assert ab.abbreviations_of("de hoofdofficier van justitie beslist") == ["HOvJ"]


def test_snippet_highlights_query_terms():
    a = Analyzer()
    text = "Eerst iets anders. " * 20 + "De wethouder beslist over de fietsenstalling." + " Daarna meer." * 20
    s = snippet(text, a.terms("wethouder fietsenstalling"), a, width=120)
    assert "**wethouder**" in s and "**fietsenstalling**" in s
    assert s.startswith("…") and s.endswith("…")
    assert snippet("", ["x"], a) == ""


def test_speller_corrects_a_left_out_or_swapped_letter_only():
    from kennis.text import Speller

    speller = Speller(["stallingscoordinator", "fietsenstalling", "gemeentelijk", "bedoelde"])
    assert speller.correct("fietsenstaling") == ["fietsenstalling"]
    assert speller.correct("gemeenteljik") == ["gemeentelijk"]
    assert speller.correct("fietsenstalling") == []  # a corpus word
    assert speller.correct("bedoeld") == []  # one ending short: another inflection
    assert speller.correct("stalling") == []  # no slip of a corpus word
