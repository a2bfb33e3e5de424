"""Keyword queries: the actor competent for the task the query names, on a corpus written here.

The sentence that best matches a keyword query may name no one; the answer then names the
agent of the next best sentence that names one, and quotes that sentence too. And the actor of
a curated statement does not answer for a sentence that names it only as the adviser.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from answer_fixtures import build_kennis
from kennis.service import Kennis

TEXT = (
    "##Testcirculaire stallingen 2015\n\n"
    "### 1  \n\n####Nachtelijk ophalen\n\n"
    "Niet alle ophalers zijn bij de portier bekend. "
    "Een gast kan bijvoorbeeld 's nachts een bakfiets ophalen uit een afgesloten stalling. "
    "In dat geval opent de beheerder de poort zelf.\n\n"
    "### 2  \n\n####Storingen\n\n"
    "De portier meldt elke storing aan de wethouder.\n\n"
    "### 3  \n\n####Storm\n\n"
    "Bij zware storm wordt op advies van de portier besloten tot het sluiten van de stalling. "
    "De wethouder laat de stalling dan sluiten.\n\n"
    "### 4  \n\n####Keuring\n\n"
    "Over de datum van de jaarlijkse fietskeuring in de stalling beslist de wethouder. "
    "De portier verzoekt om een fietskeuring.\n"
)

MANIFEST = """
[[document]]
id = "BWBR9300001"
kind = "circulaire"
title = "Testcirculaire stallingen 2015"
valid_from = "2015-01-01"

  [[document.version]]
  date = "2015-01-01"
  path = "bwb/BWBR9300001/2015-01-01.md"
  format = "laws-markdown"
  sha256 = "{0}"
"""

ABOX = "\n".join(f"""
[[actor]]
id = "{name}"
type = "Functionary"
nl = "{name}"
en = "{name}"
definition = "Functionaris in de testtekst."
source = ["BWBR9300001", "1"]
""" for name in ("portier", "beheerder", "wethouder")) + """
[[concept]]
id = "advise"
scheme = "action"
nl = "adviseert over"
en = "advises on"

[[concept]]
id = "decide"
scheme = "action"
nl = "besluit over"
en = "decides on"
alt = ["beslist over"]

[[concept]]
id = "request"
scheme = "action"
nl = "vraagt aan"
en = "requests"
alt = ["verzoekt om"]

[[concept]]
id = "keuring"
scheme = "measure"
nl = "fietskeuring"
en = "bicycle inspection"

[[competence]]
id = "wethouder-beslist-keuring"
actor = "wethouder"
action = "decide"
object = "keuring"
label = "De wethouder beslist over de datum van de fietskeuring"
src = [["BWBR9300001", "4", "Over de datum van de jaarlijkse fietskeuring in de stalling beslist de wethouder."]]

[[competence]]
id = "portier-verzoekt-keuring"
actor = "portier"
action = "request"
object = "keuring"
label = "De portier verzoekt om een fietskeuring"
src = [["BWBR9300001", "4", "De portier verzoekt om een fietskeuring."]]

[[concept]]
id = "sluiting"
scheme = "measure"
nl = "sluiting"
en = "closure"

[[competence]]
id = "portier-adviseert-sluiting"
actor = "portier"
action = "advise"
object = "sluiting"
label = "De portier adviseert over het sluiten van de stalling bij storm"
src = [["BWBR9300001", "3", "Bij zware storm wordt op advies van de portier besloten tot het sluiten van de stalling."]]
"""


@pytest.fixture(scope="module")
def kennis(tmp_path_factory: pytest.TempPathFactory) -> Kennis:
    return build_kennis(tmp_path_factory.mktemp("keywords"), {"bwb/BWBR9300001/2015-01-01.md": TEXT}, MANIFEST, ABOX)


def test_a_keyword_query_is_answered_by_the_agent_near_its_best_sentence(kennis: Kennis) -> None:
    answer = kennis.ask("bakfiets nachts ophalen afgesloten stalling")
    first = answer.sources[0]
    # the best sentence is still the first source, verbatim
    assert first.ref == "1" and "'s nachts een bakfiets ophalen" in first.quote
    # … and the actor is the agent of the sentence that names one, not the counterpart "bij de portier"
    assert answer.actors[0].label == "beheerder"
    assert any("beheerder" in s.quote for s in answer.sources[:3])
    for s in answer.sources:
        assert " ".join(s.quote.split()) in " ".join(kennis.corpus.passage(s.passage).text.split())


def test_a_question_that_is_not_a_keyword_query_puts_no_actor_of_another_sentence_forward(kennis: Kennis) -> None:
    answer = kennis.ask("Kan een gast 's nachts een bakfiets ophalen uit een afgesloten stalling?")
    assert "bakfiets" in answer.sources[0].quote
    assert not answer.actors


def test_the_one_on_whose_advice_is_decided_is_not_who_the_question_asks_for(kennis: Kennis) -> None:
    # the curated statement's actor advises; asked who has it closed, the sentence's own agent answers
    answer = kennis.ask("Wie laat bij zware storm de stalling sluiten?")
    assert answer.sources[0].ref == "3"
    assert answer.actors[0].label == "wethouder"


def test_a_keyword_query_for_a_task_is_answered_by_who_does_that_task(kennis: Kennis) -> None:
    # the best sentence says who decides on the inspection's date; the query names the request for it
    answer = kennis.ask("verzoek datum jaarlijkse fietskeuring stalling")
    assert answer.sources[0].ref == "4"
    assert answer.actors[0].label == "portier"
    assert any("portier" in s.quote for s in answer.sources[:3])
    # without the task the best sentence's own agent answers
    assert kennis.ask("datum jaarlijkse fietskeuring stalling").actors[0].label == "wethouder"


def test_on_whose_advice_is_answered_by_the_adviser(kennis: Kennis) -> None:
    # the same sentence, asked for the one on whose advice it is decided: now the counterpart answers
    answer = kennis.ask("Op advies van wie wordt bij zware storm besloten de stalling te sluiten?")
    assert answer.sources[0].ref == "3"
    assert answer.actors[0].label == "portier"
