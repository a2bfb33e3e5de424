"""Names across time: other names of a body and of its predecessors and successors."""

from __future__ import annotations

from kennis.index.build import sentence_windows, unit_headings
from kennis.index.names import Names

# Invented bodies: the Fietsbureau (FB) was succeeded by the Stallingsdienst (SD).
GROUPS = [
    {"names": ["Fietsbureau", "FB"], "related": [1]},
    {"names": ["Stallingsdienst", "SD"], "related": [0]},
    {"names": ["Raad van Stallingen", "RvS"], "related": []},
]


def test_an_old_name_brings_the_new_one_and_back():
    names = Names(GROUPS)
    old = names.expand("Wat deed het Fietsbureau in 2010?")
    assert "FB" in old.same and {"Stallingsdienst", "SD"} <= set(old.across_time)
    new = names.expand("wat doet de stallingsdienst")
    assert "SD" in new.same and "Fietsbureau" in new.across_time


def test_short_names_count_only_as_written():
    names = Names(GROUPS)
    assert names.matches("de SD besluit") == [1]
    assert names.matches("het sd-kaartje") == []
    assert names.expand("Wie besluit?").same == () and names.expand("Wie besluit?").across_time == ()


def test_longest_name_wins_and_nothing_overlaps():
    names = Names([{"names": ["Raad van Stallingen"], "related": []}, {"names": ["Stallingen"], "related": []}])
    assert names.matches("de Raad van Stallingen") == [0]


def test_sentence_windows_keep_the_sentence_before():
    text = "De wethouder beslist. Hij draagt hierover het gezag.\n- een lijstpunt\n| a | b |"
    windows = sentence_windows(text)
    assert windows[0] == "De wethouder beslist."
    assert windows[1] == "De wethouder beslist. Hij draagt hierover het gezag."
    assert windows[2].endswith("- een lijstpunt") and windows[3].endswith("| a | b |")


def test_unit_headings_include_unnumbered_sub_headings_once():
    paths = [("3 Taken", "3.1 Gezag"), ("3 Taken", "3.1 Gezag", "Toelichting"), ("3 Taken", "3.1 Gezag", "Toelichting")]
    assert unit_headings(paths) == ["3 Taken", "3.1 Gezag", "Toelichting"]


def test_a_short_name_typed_in_lower_case_counts_when_it_is_no_word():
    names = Names(GROUPS, lower_case_short=lambda w: w not in {"om", "de"})
    assert names.matches("wat doet de sd?") == [1]
    strict = Names(GROUPS)
    assert strict.matches("wat doet de sd?") == []


def test_lower_case_short_abbreviations_are_expanded_unless_a_word():
    from kennis.text import Abbreviations

    abbr = Abbreviations({"SD": "Stallingsdienst", "OM": "Openbaar Ministerie"}, frozenset({"om", "de"}))
    assert abbr.expand("wat doet de sd") == ["Stallingsdienst"]
    assert abbr.expand("om te stallen") == []
    assert Abbreviations({"SD": "Stallingsdienst"}).expand("wat doet de sd") == []
