"""Question kinds and entity linking (no graph or index needed)."""

from __future__ import annotations

import pytest

from kennis.answer.actions import ActionMatcher
from kennis.answer.compose import sentences, split_exception
from kennis.answer.kinds import QuestionKind, classify
from kennis.answer.linking import EntityLinker, LexEntry, edit_distance_at_most


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Wie beslist over de maatregelen?", QuestionKind.WHO),
        ("Welke landelijke eenheid waakt over het koningshuis?", QuestionKind.WHO),
        ("Een burger wordt bedreigd. Wie neemt dan het besluit?", QuestionKind.WHO),
        ("Welk artikel geeft de minister die bevoegdheid?", QuestionKind.LEGAL_BASIS),
        ("Op welke wettelijke grondslag gebeurt dat?", QuestionKind.LEGAL_BASIS),
        ("Wat is een dreigingsmelding?", QuestionKind.DEFINITION),
        ("Wat wordt bedoeld met de glijdende schaal?", QuestionKind.DEFINITION),
        ("Wat is het verschil tussen een DI en een DA?", QuestionKind.DIFFERENCE),
        ("Wat is er nieuw in de editie van 2026?", QuestionKind.CHANGE),
        ("Hoe verloopt de overdracht?", QuestionKind.PROCEDURE),
        ("Kan een persoon weigeren?", QuestionKind.YES_NO),
        ("Fietsen", QuestionKind.OTHER),
    ],
)
def test_question_kinds(question: str, kind: QuestionKind) -> None:
    assert classify(question) is kind


LEXICON = [
    LexEntry("urn:x:hovj", "hoofdofficier van justitie", "actor", ("hoofdofficier van justitie", "HOvJ")),
    LexEntry("urn:x:di", "dreigingsinschatting", "concept", ("dreigingsinschatting", "DI")),
    LexEntry("urn:x:om", "Openbaar Ministerie", "actor", ("Openbaar Ministerie", "OM")),
    LexEntry("urn:x:bm", "burgemeester", "actor", ("burgemeester",)),
]


def test_linking_handles_inflection_case_and_abbreviations() -> None:
    linker = EntityLinker(LEXICON)
    found = [(m.iri, m.surface) for m in linker.link("Beslissen de hoofdofficieren van justitie of de hovj?")]
    assert found == [("urn:x:hovj", "hoofdofficieren van justitie"), ("urn:x:hovj", "hovj")]


def test_short_abbreviations_only_match_as_written() -> None:
    linker = EntityLinker(LEXICON)
    assert [m.iri for m in linker.link("di om de DI te maken bij het OM")] == ["urn:x:di", "urn:x:om"]


def test_three_letter_abbreviations_match_in_lower_case_unless_a_common_word() -> None:
    entries = [LexEntry("urn:x:ird", "informatierapport dreiging", "concept", ("informatierapport dreiging", "IRD")),
               LexEntry("urn:x:een", "Eenheid", "actor", ("Eenheid", "EEN"))]
    linker = EntityLinker(entries, common_words=frozenset({"een"}))
    assert [m.iri for m in linker.link("wat is een ird?")] == ["urn:x:ird"]
    assert [m.iri for m in linker.link("EEN en een")] == ["urn:x:een"]


def test_small_typos_are_forgiven_in_long_words_only() -> None:
    linker = EntityLinker(LEXICON)
    typo = linker.link("de burgemeestr en de dreigingsinshatting")
    assert [m.iri for m in typo] == ["urn:x:bm", "urn:x:di"]
    assert not any(m.exact for m in typo)
    assert linker.link("de burg") == []


def test_edit_distance_bound() -> None:
    assert edit_distance_at_most("abcdef", "abdcef", 1)  # transposition
    assert not edit_distance_at_most("abcdef", "azzdef", 1)


def test_sentences_are_exact_substrings() -> None:
    text = "Eerste zin. Tweede zin; derde deel!\nVierde regel zonder punt"
    parts = sentences(text)
    assert parts == ["Eerste zin.", "Tweede zin;", "derde deel!", "Vierde regel zonder punt"]
    assert all(p in text for p in parts)


def test_sentences_do_not_end_at_abbreviations_numbers_or_lower_case() -> None:
    text = ("De NCTV is o.a. belast met het stelsel. Zie art. 4 en artikel 4.2 van de wet, bijv. lid 2. "
            "Dit geldt ook voor 4:4 van het besluit. en gaat hier door")
    assert sentences(text) == ["De NCTV is o.a. belast met het stelsel.",
                               "Zie art. 4 en artikel 4.2 van de wet, bijv. lid 2.",
                               "Dit geldt ook voor 4:4 van het besluit. en gaat hier door"]


def _answer():
    from kennis.models import Answer, Source

    return Answer(question="Wie?", answer="De HOvJ.", kind="wie",
                  sources=(Source("D", "2015-01-01", "4.2", "De HOvJ draagt het gezag.", "D/2015-01-01/4.2/1"),))


def test_rephrase_takes_a_cited_reply_and_keeps_sources() -> None:
    import httpx

    from kennis.answer.rephrase import rephrase

    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["url"] = str(request.url)
        return httpx.Response(200, json={"choices": [{"message": {"content": "De hoofdofficier [1]."}}]})

    out = rephrase(_answer(), "http://llm.invalid/v1", client=httpx.Client(transport=httpx.MockTransport(handler)))
    assert seen["url"] == "http://llm.invalid/v1/chat/completions"
    assert out.answer == "De hoofdofficier [1]." and out.sources == _answer().sources


@pytest.mark.parametrize("reply", [500, "Zonder bronverwijzing."])
def test_rephrase_keeps_the_composed_answer_on_failure(reply) -> None:
    import httpx

    from kennis.answer.rephrase import rephrase

    def handler(request: httpx.Request) -> httpx.Response:
        if reply == 500:
            return httpx.Response(500)
        return httpx.Response(200, json={"choices": [{"message": {"content": reply}}]})

    out = rephrase(_answer(), "http://llm.invalid/v1", client=httpx.Client(transport=httpx.MockTransport(handler)))
    assert out == _answer()


@pytest.mark.parametrize(("question", "rest", "excepted"), [
    # in "naast / behalve X ook Y" only X is excepted; what follows "ook" is what is asked
    ("Wie leveren naast de diensten ook informatie aan de CBB?", "Wie leveren ook informatie aan de CBB?", "de diensten"),
    ("Welke minister kan behalve de marechaussee ook de landmacht inzetten?",
     "Welke minister kan ook de landmacht inzetten?", "de marechaussee"),
    ("Wie beslist, afgezien van de burgemeester, over de inzet?", "Wie beslist, , over de inzet?", "de burgemeester"),
    ("Wie beslist over de inzet afgezien van de burgemeester?", "Wie beslist over de inzet ?", "de burgemeester"),
    # "naast" without "ook" may just mean "beside"
    ("Wat ligt naast het stadhuis?", "Wat ligt naast het stadhuis?", ""),
])
def test_exception_clauses(question: str, rest: str, excepted: str) -> None:
    main, excluded = split_exception(question)
    assert " ".join(main.split()) == rest
    assert excluded.strip() == excepted


def test_an_actions_preposition_may_be_left_out_but_not_a_verb_particle() -> None:
    matcher = ActionMatcher({"besluit over": ("beslist over",), "voert uit": (), "levert informatie over": ()})
    assert matcher.asked("Als zij het niet eens worden, beslist het College.") == {"besluit over"}
    assert matcher.asked("De diensten leveren eveneens informatie aan de CBB.") == {"levert informatie over"}
    # "uit" makes the verb: "voert" alone does not say "voert uit"
    assert matcher.asked("De politie voert het gesprek.") == set()
    assert matcher.asked("De politie voert de maatregelen uit.") == {"voert uit"}


def test_a_keyword_query_names_an_action_by_its_noun() -> None:
    matcher = ActionMatcher({"draagt de kosten van": (), "voert uit": (), "levert informatie over": ()})
    assert matcher.asked("kosten bescherming getuigen") == set()  # a question needs the verb
    assert matcher.asked("kosten bescherming getuigen", keywords=True) == {"draagt de kosten van"}
    assert matcher.asked("informatie dreiging", keywords=True) == {"levert informatie over"}


def test_the_words_that_say_an_action_are_told_from_the_questions_conditions() -> None:
    matcher = ActionMatcher({"stelt vast": (), "draagt de kosten van": ()})
    question = "Wie stelt voor iemand in het rijksdeel het niveau vast?"
    assert matcher.words_of(question, matcher.asked(question)) == {"stelt", "vast"}
    # the action's content word is its own, not a condition; the object (bewaking) is
    assert matcher.words_of("Wie draagt de kosten van de bewaking?", {"draagt de kosten van"}) == {
        "draagt", "kosten"}
    assert matcher.words_of(question, set()) == set()


def test_a_sentence_that_points_back_is_matched_with_the_words_before_it() -> None:
    from kennis.answer.compose import with_antecedents

    sents = [("In spoedzaken worden voorlopige maatregelen genomen.", {"spoedzak", "maatregel"}),
             ("Deze worden afgestemd met de stallingscoördinator.", {"afgestemd"}),
             ("De wethouder beslist.", {"wethouder"})]
    out = with_antecedents(sents)
    assert out[1][1] == {"afgestemd", "spoedzak", "maatregel"}
    assert out[0][1] == sents[0][1] and out[2][1] == {"wethouder"}  # no pointing back: own words only


def test_words_of_one_stem_but_different_words_do_not_link() -> None:
    entries = [LexEntry("urn:x:ov", "overheid", "actor", ("overheid",)),
               LexEntry("urn:x:eh", "eenheid", "actor", ("eenheid",))]
    linker = EntityLinker(entries)
    # the stemmer cuts "overige" and "overheid" to one stem; an inflection keeps most of the word
    assert linker.link("de overige burgemeesters") == []
    assert [m.iri for m in linker.link("de regionale eenheden en de overheid")] == ["urn:x:eh", "urn:x:ov"]


def test_the_action_asked_is_the_main_clauses_not_that_of_its_complement() -> None:
    matcher = ActionMatcher({"voert uit": (), "geeft opdracht tot": (), "besluit over": ("beslist over",)})
    # what the dat-clause says is done is what the actor sees to, not what the actor does
    assert matcher.asked_by_question("Wie let erop dat de maatregelen worden uitgevoerd?") == set()
    assert matcher.asked("Wie let erop dat de maatregelen worden uitgevoerd?") == {"voert uit"}
    assert matcher.asked_by_question("Wie beslist of er maatregelen worden uitgevoerd?") == {"besluit over"}
    # a clause of time or condition says when, not what is asked; before the main clause too
    assert matcher.asked_by_question("Wie regelt de gegevens wanneer de maatregelen worden uitgevoerd?") == set()
    assert matcher.asked_by_question("Wanneer de maatregelen worden uitgevoerd, wie beslist dan?") == {"besluit over"}
    # an embedded question says what is looked into, not what the actor does
    assert matcher.asked_by_question("Wie doet het onderzoek naar wie de maatregelen uitvoert?") == set()
    # "of" between two nouns opens no clause
    assert matcher.asked_by_question("Voert de politie of de marechaussee het uit?") == {"voert uit"}
    # a case told in sentences: the clause of one sentence does not hide the question of the next
    assert matcher.asked_by_question(
        "Er kwam een tip binnen dat iemand bedreigd wordt. Wie moet daar de opdracht voor geven?"
    ) == {"geeft opdracht tot"}


def test_a_noun_names_the_action_of_its_verb() -> None:
    matcher = ActionMatcher({"vraagt aan": ("verzoekt om",), "adviseert over": (), "voert uit": ()})
    assert matcher.said_by("verzoek", {"vraagt aan"}) and matcher.said_by("advies", {"adviseert over"})
    assert not matcher.said_by("verzoek", {"adviseert over", "voert uit"})


def test_a_span_runs_between_two_sentences_in_either_order() -> None:
    from kennis.answer.compose import _span

    text = "De CBB besluit. Dat gebeurt snel. Het besluit is schriftelijk."
    assert _span(text, "Het besluit is schriftelijk.", "De CBB besluit.", 100) == text
    assert _span(text, "De CBB besluit.", "Dat gebeurt snel.", 100) == "De CBB besluit. Dat gebeurt snel."
    assert _span(text, "De CBB besluit.", "Het besluit is schriftelijk.", 20) is None
    assert _span(text, "De NCTV besluit.", "Dat gebeurt snel.", 100) is None
