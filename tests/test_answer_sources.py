"""Sources that disagree, and the newest word: a corpus of three short texts written here.

An older instruction (2013) and a newer circulaire (2015), both in force, give the same
competence to different actors; a letter (2020) says more about it. The answer must name
both actors with their quotes and say which text is newer, and quote the letter.
"""

from __future__ import annotations

import pytest

from answer_fixtures import build_kennis
from kennis.service import Kennis

TEXTS = {
    "bwb/BWBR9100001/2015-01-01.md": (
        "##Testcirculaire extra toezicht 2015\n\n### 1  \n\n####Taken\n\n"
        "De wethouder beslist over extra toezicht bij de stallingen.\n\n### 2  \n\n####Het college\n\n"
        "Het college vergadert elke week. Het college bestaat uit de wethouder en de burgemeester.\n"
    ),
    "bwb/BWBR9100002/2013-01-01.md": (
        "##Testaanwijzing extra toezicht 2013\n\n### 1  \n\n####Taken\n\n"
        "De burgemeester beslist over extra toezicht bij de stallingen.\n"
    ),
    "brieven/brief-2020.txt": (
        "Geachte voorzitter,\n\nDe wethouder beslist voortaan ook over extra toezicht bij stallingen op het station.\n"
    ),
}

MANIFEST = """
[[work]]
id = "testwerk"
title = "Testcirculaire extra toezicht"

[[document]]
id = "BWBR9100001"
work = "testwerk"
kind = "circulaire"
title = "Testcirculaire extra toezicht 2015"
valid_from = "2015-01-01"

  [[document.version]]
  date = "2015-01-01"
  path = "bwb/BWBR9100001/2015-01-01.md"
  format = "laws-markdown"
  sha256 = "{0}"

[[document]]
id = "BWBR9100002"
kind = "aanwijzing"
title = "Testaanwijzing extra toezicht 2013"
valid_from = "2013-01-01"

  [[document.version]]
  date = "2013-01-01"
  path = "bwb/BWBR9100002/2013-01-01.md"
  format = "laws-markdown"
  sha256 = "{1}"

[[document]]
id = "testcirculaire-2019"
work = "testwerk"
kind = "circulaire"
title = "Testcirculaire extra toezicht 2019"
valid_from = "2019-01-01"
supersedes = "BWBR9100001"

[[document]]
id = "brief-2020"
kind = "kamerbrief"
title = "Brief over extra toezicht"

  [[document.version]]
  date = "2020-01-01"
  date_precision = "year"
  path = "brieven/brief-2020.txt"
  format = "plain"
  sha256 = "{2}"
"""

ABOX = """
[aliases]
C = "BWBR9100001"
A = "BWBR9100002"

[[actor]]
id = "wethouder"
type = "Functionary"
nl = "wethouder"
en = "alderman"
definition = "Bestuurder in de testteksten."
source = ["BWBR9100001", "1"]

[[actor]]
id = "burgemeester"
type = "Functionary"
nl = "burgemeester"
en = "mayor"
definition = "Bestuurder in de testaanwijzing."
source = ["BWBR9100002", "1"]

[[actor]]
id = "college"
type = "Collective"
nl = "college"
en = "board"
definition = "Het college van de testteksten."
member = ["wethouder", "burgemeester"]
source = ["BWBR9100001", "2"]

[[concept]]
id = "decentraal-domein"
scheme = "domain"
nl = "decentraal domein"
en = "decentralised domain"

[[concept]]
id = "decide"
scheme = "action"
nl = "besluit over"
en = "decides on"
alt = ["beslist over"]

[[concept]]
id = "extra-toezicht"
scheme = "measure"
nl = "extra toezicht"
en = "extra supervision"

[[competence]]
id = "wethouder-beslist"
actor = "wethouder"
action = "decide"
object = "extra-toezicht"
domain = "decentraal-domein"
label = "De wethouder beslist over extra toezicht"
src = [["C", "1", "De wethouder beslist over extra toezicht bij de stallingen."]]

[[competence]]
id = "burgemeester-beslist"
actor = "burgemeester"
action = "decide"
object = "extra-toezicht"
domain = "decentraal-domein"
label = "De burgemeester beslist over extra toezicht"
src = [["A", "1", "De burgemeester beslist over extra toezicht bij de stallingen."]]
"""


@pytest.fixture(scope="module")
def kennis(tmp_path_factory: pytest.TempPathFactory) -> Kennis:
    return build_kennis(tmp_path_factory.mktemp("sources"), TEXTS, MANIFEST, ABOX)


def test_disagreeing_sources_are_both_named_with_the_newer_one(kennis: Kennis) -> None:
    answer = kennis.ask("Wie beslist over extra toezicht bij de stallingen?")
    labels = [a.label for a in answer.actors]
    assert set(labels[:2]) == {"wethouder", "burgemeester"}
    assert "de bronnen verschillen" in answer.answer
    by_doc = {s.doc: s for s in answer.sources}
    assert {"BWBR9100001", "BWBR9100002"} <= set(by_doc)
    # the text says which of the two is the newer one
    other = "BWBR9100002" if answer.sources[0].doc == "BWBR9100001" else "BWBR9100001"
    assert ("(ouder)" if other == "BWBR9100002" else "(nieuwer)") in answer.answer
    assert by_doc[other].quote in answer.answer


def test_a_newer_letter_on_the_same_actor_is_quoted(kennis: Kennis) -> None:
    answer = kennis.ask("Wie beslist over extra toezicht bij de stallingen?")
    letter = next(s for s in answer.sources if s.doc == "brief-2020")
    assert letter.quote.startswith("De wethouder beslist voortaan")
    assert f"Let op: volgens Brief over extra toezicht: “{letter.quote}”" in answer.answer
    text = " ".join(kennis.corpus.passage(letter.passage).text.split())
    assert " ".join(letter.quote.split()) in text


def test_no_notice_of_disagreement_when_the_sources_agree(kennis: Kennis) -> None:
    answer = kennis.ask("Wat staat er in de brief over het station?")
    assert "de bronnen verschillen" not in answer.answer


def test_an_edition_whose_text_is_not_held_is_not_answered_from_another(kennis: Kennis) -> None:
    answer = kennis.ask("Wat zegt de testcirculaire van 2019 over extra toezicht?")
    assert not answer.answered and not answer.actors
    assert "Testcirculaire extra toezicht 2019 zit niet in het corpus" in answer.answer
    # the edition it names is known, and the notice says its text is missing
    assert any("2019" in n for n in answer.notices)


def test_who_form_an_actor_is_answered_with_its_members_from_the_graph(kennis: Kennis) -> None:
    answer = kennis.ask("Wie vormen samen het college?")
    assert {a.label for a in answer.actors} == {"wethouder", "burgemeester"}
    assert answer.sources[0].quote == "Het college bestaat uit de wethouder en de burgemeester."
    assert all(step.predicate == "org:hasMember" for step in answer.explanation)
