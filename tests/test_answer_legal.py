"""Legal-basis questions: the article a circulaire cites is among the first sources.

A law has two articles about assistance (*bijstand*); the circulaire lists only one of them
in an enumeration of the articles it rests on. The question's words match both; the one
the circulaire cites is the legal basis, and the answer names it as such only when the
answering passage itself cites it.
"""

from __future__ import annotations

import pytest

from answer_fixtures import actor, build_kennis, document
from kennis.index.search import FEATURES
from kennis.service import Kennis

TEXTS = {
    "bwb/BWBR9200001/2015-01-01.md": (
        "##Testcirculaire stallingen 2015\n\n### 1  \n\n####Wettelijke grondslag\n\n"
        "*Testwet stallingen 2012*: artikelen 1, 2 en 5-6. De wethouder vraagt bijstand bij drukte in de stallingen.\n\n"
        "### 2  \n\n####Taken\n\nDe wethouder houdt toezicht op de stallingen, twee keer per week.\n"
    ),
    "bwb/BWBR9200002/2012-01-01.md": (
        "##Testwet stallingen 2012\n\n### Artikel  1  \n\nIn deze wet wordt verstaan onder stalling: een plaats voor fietsen.\n\n"
        "### Artikel  3  \n\nDe brandweer verleent bijstand aan de stallingen bij drukte op het plein.\n\n"
        "### Artikel  6  \n\nDe politie verleent bijstand aan de wethouder bij drukte in de stallingen.\n"
    ),
}

MANIFEST = "\n".join([
    document("BWBR9200001", "circulaire", "Testcirculaire stallingen 2015", "2015-01-01",
             "bwb/BWBR9200001/2015-01-01.md", 0, valid_from="2015-01-01"),
    document("BWBR9200002", "wet", "Testwet stallingen 2012", "2012-01-01", "bwb/BWBR9200002/2012-01-01.md", 1),
])

ABOX = '[aliases]\nC = "BWBR9200001"\n\n' + actor("wethouder", "wethouder", "alderman", "BWBR9200001", "2")


@pytest.fixture(scope="module")
def kennis(tmp_path_factory: pytest.TempPathFactory) -> Kennis:
    return build_kennis(tmp_path_factory.mktemp("legal"), TEXTS, MANIFEST, ABOX)


def test_an_enumeration_of_articles_is_read_as_citations(kennis: Kennis) -> None:
    p = kennis.corpus.unit("BWBR9200001", "1")[0]
    cited = {r.target_ref for r in p.references if r.target_doc == "BWBR9200002"}
    assert cited == {"artikel 1", "artikel 2", "artikel 5", "artikel 6"}


def test_an_article_no_text_cites_gives_way_to_the_cited_one(kennis: Kennis) -> None:
    answer = kennis.ask("Op grond van welk artikel wordt bijstand verleend bij drukte in de stallingen?")
    # article 3 shares the words as well, but no text in force cites it
    assert (answer.sources[0].doc, answer.sources[0].ref) == ("BWBR9200002", "artikel 6")
    assert "Bron: Testwet stallingen 2012, artikel 6" in answer.answer


def test_the_article_the_answering_passage_cites_follows_it_as_the_basis(kennis: Kennis) -> None:
    answer = kennis.ask("Op welke wettelijke grondslag vraagt de wethouder bijstand bij drukte?")
    refs = [(s.doc, s.ref) for s in answer.sources[:2]]
    assert refs == [("BWBR9200001", "1"), ("BWBR9200002", "artikel 6")]
    assert "Grondslag: Testwet stallingen 2012, artikel 6" in answer.answer


def test_the_search_prefers_cited_articles_for_a_legal_basis(kennis: Kennis) -> None:
    searcher = kennis.searcher
    _, units, feats, _ = searcher.features("Welk wetsartikel regelt bijstand bij drukte?")
    law = {searcher.units[u]["unit"]: f for u, f in zip(units, feats[:, FEATURES.index("law")])
           if searcher.units[u]["doc"] == "BWBR9200002"}
    assert law["artikel 6"] == 1.0 and law["artikel 3"] == 0.0
    # a question that asks for no legal basis does not weigh laws at all
    _, _, feats, _ = searcher.features("Wie houdt toezicht op de stallingen?")
    assert not feats[:, FEATURES.index("law")].any()


def test_an_article_no_text_cites_ranks_below_cited_texts_that_match_as_well(kennis: Kennis) -> None:
    hits = [h.ref for h in kennis.search("bijstand bij drukte").hits]
    # all three share the words; the uncited article comes after the cited one and the circulaire
    assert hits.index("artikel 3") > max(hits.index("artikel 6"), hits.index("1"))
    # … but it is still found, and first where it alone says what is asked
    assert kennis.search("brandweer plein").hits[0].ref == "artikel 3"


def test_a_which_question_about_a_thing_no_text_knows_gets_no_answer(kennis: Kennis) -> None:
    answer = kennis.ask("Welke videodeurbel verleent bijstand bij drukte in de stallingen op het plein?")
    assert not answer.answered and not answer.actors
    assert "videodeurbel" in answer.answer
    # a compound whose last part the texts know is no unknown thing
    assert kennis.ask("Welk wetsartikel verleent bijstand bij drukte in de stallingen op het plein?").answered


def test_an_amount_asked_is_answered_without_an_actor(kennis: Kennis) -> None:
    answer = kennis.ask("Hoe vaak houdt de wethouder toezicht op de stallingen?")
    assert answer.answered and "twee keer per week" in answer.sources[0].quote
    # the answer is an amount: the wethouder acts in the sentence, but who acts is not what is asked
    assert not answer.actors


def test_a_case_told_in_everyday_words_is_answered_and_one_outside_the_texts_is_not(kennis: Kennis) -> None:
    answer = kennis.ask("Ik ben net begonnen en mijn buurvrouw belt boos over de drukte op het plein bij de "
                        "stallingen. Wie verleent daar dan bijstand bij drukte?")
    assert answer.answered and answer.sources[0].ref in ("artikel 3", "artikel 6")
    answer = kennis.ask("Ik ben net begonnen bij de bakker en mijn buurvrouw belt boos over het brood. Hoe lang "
                        "moet het deeg rijzen voordat het de oven in gaat?")
    assert not answer.answered and not answer.actors


def test_a_compound_the_texts_do_not_write_is_known_by_its_parts(kennis: Kennis) -> None:
    # neither text writes "brandweerbijstand", both write "brandweer" and "bijstand"
    answer = kennis.ask("drukte brandweerbijstand")
    assert answer.answered and answer.sources[0].doc == "BWBR9200002"
