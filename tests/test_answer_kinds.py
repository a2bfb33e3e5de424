"""Each kind of question on the fixture knowledge base: the actor, the first source and its quote.

The fixture texts are about bicycle sheds (written for the tests). Each test fails when the
actor named first, the passage cited first or the quote shown is wrong.
"""

from __future__ import annotations


import pytest

from kennis.answer.agents import ANSWER_ROLE, agents
from kennis.answer.expect import Expectation, Expecter, head_nouns
from kennis.answer.kinds import classify, is_situation
from kennis.answer.linking import LexEntry, EntityLinker
from kennis.models import Answer
from kennis.service import Kennis


@pytest.fixture(scope="module")
def kennis(built_kennis: Kennis) -> Kennis:
    return built_kennis


def _verbatim(k: Kennis, answer: Answer) -> None:
    for s in answer.sources:
        assert " ".join(s.quote.split()) in " ".join(k.corpus.passage(s.passage).text.split())


def _named(answer: Answer, quote: str) -> bool:
    a = answer.actors[0]
    return any(n.lower() in quote.lower() for n in (a.label, *a.alt_labels))


def test_actor_question_without_wie(kennis: Kennis) -> None:
    answer = kennis.ask("Welke functionaris draagt het gezag over de stallingen?", date="2011-01-01")
    assert answer.actors[0].label == "wethouder"
    first = answer.sources[0]
    assert (first.doc, first.ref) == ("BWBR9000001", "1.1")
    assert first.quote == "De wethouder draagt het gezag over de stallingen."
    assert _named(answer, first.quote)
    _verbatim(kennis, answer)


def test_an_older_edition_the_question_names_is_read_as_it_stood(kennis: Kennis) -> None:
    answer = kennis.ask("Welke functionaris droeg volgens de testcirculaire van 2010 het gezag over de stallingen?")
    assert answer.actors[0].label == "wethouder"
    first = answer.sources[0]
    assert (first.doc, first.ref) == ("BWBR9000001", "1.1")
    assert first.quote == "De wethouder draagt het gezag over de stallingen."
    assert answer.date is not None and answer.date.year < 2015
    _verbatim(kennis, answer)


def test_question_about_a_named_actor_puts_it_first(kennis: Kennis) -> None:
    answer = kennis.ask("Wat doet de SC?")
    assert answer.actors[0].label == "stallingscoördinator"
    assert answer.sources[0].doc == "BWBR9000002"
    assert "SC" in answer.sources[0].quote
    _verbatim(kennis, answer)


def test_who_held_a_post_at_a_time_asks_for_a_name_the_texts_do_not_give(kennis: Kennis) -> None:
    for question in ("Wie was in 2011 de stallingscoördinator?", "Wie is op dit moment de wethouder?",
                     "Wie is op dit moment de wethouder van de gemeente Zwolle?"):
        answer = kennis.ask(question)
        assert not answer.answered and not answer.actors
    # a time and a post, but also what the post does: answered
    answer = kennis.ask("Wie draagt op dit moment het gezag over de stallingen?", date="2011-01-01")
    assert answer.answered and answer.actors[0].label == "wethouder"


def test_keyword_query_names_the_actor_of_its_sentence(kennis: Kennis) -> None:
    answer = kennis.ask("gezag stallingen", date="2011-01-01")
    assert answer.actors[0].label == "wethouder"
    assert (answer.sources[0].doc, answer.sources[0].ref) == ("BWBR9000001", "1.1")
    assert _named(answer, answer.sources[0].quote)


def test_situation_is_answered_along_the_graph_path(kennis: Kennis) -> None:
    question = ("Ik beheer een fietsenstalling bij het station. Er wordt veel gestolen en we willen "
                "extra toezicht. Wie beslist daarover?")
    assert is_situation(question)
    answer = kennis.ask(question, date="2011-01-01")
    assert answer.actors[0].label == "wethouder"
    steps = {p.step: p for p in answer.path}
    assert steps["domein"].label == "gemeentelijk domein"  # not the rijksdeel: nothing places the case there
    assert steps["gezag"].actor is not None and steps["gezag"].actor.label == "wethouder"
    assert steps["besluit over maatregelen"].actor.label == "wethouder"  # type: ignore[union-attr]
    for p in answer.path:
        assert p.source is not None and p.source.doc == "BWBR9000001"
    assert "Route: " in answer.answer
    assert answer.to_dict()["path"][0]["step"] == "domein"


def test_general_question_has_no_path(kennis: Kennis) -> None:
    assert kennis.ask("Wie draagt het gezag over de stallingen?", date="2011-01-01").path == ()


def test_one_notice_line_for_the_editions_not_held(kennis: Kennis) -> None:
    answer = kennis.ask("Wie draagt het gezag over toezicht in het rijksdeel?")
    assert len(answer.notices) == 1 and "Testcirculaire 2020" in answer.notices[0]


# --- the parts, without a knowledge base ------------------------------------------------------

_LEXICON = [
    LexEntry("urn:hovj", "hoofdofficier van justitie", "actor", ("hoofdofficier van justitie", "HOvJ")),
    LexEntry("urn:bbc", "beleidsmedewerker BB&C", "actor", ("beleidsmedewerker BB&C",)),
    LexEntry("urn:ccb", "portefeuillehouder CCB", "actor", ("portefeuillehouder CCB",)),
    LexEntry("urn:cbb", "Coördinator Bewaking en Beveiliging", "actor", ("Coördinator Bewaking en Beveiliging", "CBB")),
]


@pytest.mark.parametrize(("sentence", "agent"), [
    ("De HOvJ draagt hierover het gezag.", "urn:hovj"),
    ("Het gezag ligt bij de HOvJ, die de CBB informeert.", "urn:hovj"),
    ("De maatregelen worden door de CBB vastgesteld na overleg met de HOvJ.", "urn:cbb"),
    ("Onder gezag van de HOvJ voert de politie de maatregelen uit.", "urn:hovj"),
    # the subject acts; the one under whose responsibility it does is its principal
    ("De CBB is onder verantwoordelijkheid van de HOvJ belast met de afweging.", "urn:cbb"),
    ("In spoedzaken worden onder verantwoordelijkheid van de portefeuillehouder CCB maatregelen genomen.", "urn:ccb"),
    ("Daarnaast draagt de CBB zorg voor de afstemming.", "urn:cbb"),
    ("Hij overlegt met de beleidsmedewerker BB&C en met de CBB, die verantwoordelijk is voor de afweging.", "urn:cbb"),
    # a passive without agent: the actor after "met" is the counterpart, not the one who acts
    ("De voorlopige maatregelen worden afgestemd met de beleidsmedewerker BB&C door de portefeuillehouder CCB.",
     "urn:ccb"),
])
def test_agent_of_a_sentence(sentence: str, agent: str) -> None:
    linker = EntityLinker(_LEXICON)
    assert agents(sentence, linker.link(sentence))[0].mention.iri == agent


def test_counterpart_is_not_the_agent() -> None:
    sentence = "De voorlopige maatregelen worden afgestemd met de beleidsmedewerker BB&C."
    linker = EntityLinker(_LEXICON)
    found = agents(sentence, linker.link(sentence))
    assert found[0].role < 0.5 and found[0].prep == "met"


def test_the_one_at_whose_request_a_law_acts_is_a_counterpart() -> None:
    sentence = ("f. het opstellen van dreigingsanalyses op verzoek van Onze Coördinator Bewaking en Beveiliging "
                "en Onze hoofdofficier van justitie gezamenlijk.")
    found = agents(sentence, EntityLinker(_LEXICON).link(sentence))
    # both, the second as a conjunct of the first
    assert {a.mention.iri for a in found} == {"urn:cbb", "urn:hovj"}
    assert all(a.role < 0.3 and a.prep == "van" for a in found)


@pytest.mark.parametrize(("name", "heads"), [
    ("landelijk officier van justitie", {"officier"}),
    ("Directie Veiligheid, Crisisbeheersing en Integriteit", {"directie"}),
    ("lokaal bevoegd gezag", {"gezag"}),
    ("HOvJ", set()),
    # a name in apposition to the kind: "welke portefeuillehouder …?" asks for it
    ("portefeuillehouder Conflict- en Crisisbeheersing", {"portefeuillehouder"}),
    ("portefeuillehouder CCB", {"portefeuillehouder"}),
])
def test_head_nouns_name_the_kind_of_actor(name: str, heads: set[str]) -> None:
    assert head_nouns(name) == heads


def test_a_noun_that_heads_names_asks_for_an_actor_so_named() -> None:
    entries = [LexEntry("urn:vci", "Directie VCI", "actor", ("Directie VCI",)),
               LexEntry("urn:bsb", "Brigade Speciale Beveiligingsopdrachten", "actor",
                        ("Brigade Speciale Beveiligingsopdrachten", "BSB")),
               LexEntry("urn:ao", "afstemmingsoverleg", "actor", ("afstemmingsoverleg",))]
    unit = frozenset({"directie", "brigade", "eenheid", "instantie"})
    expecter = Expecter(entries, {"urn:vci": unit, "urn:bsb": unit, "urn:ao": frozenset({"overleg", "instantie"})})
    # "directie" heads a name: a brigade is a unit of the same class, but no directie
    assert expecter.kind_match("urn:vci", "directie") == 1.0
    assert expecter.kind_match("urn:bsb", "directie") == 0.0
    assert expecter.kind_match("urn:ao", "overleg") == 1.0  # the compound's last part
    # a word no name uses asks for any actor of the classes it labels
    assert expecter.kind_match("urn:bsb", "instantie") == 1.0


def test_the_word_before_the_kind_noun_of_a_compound_is_kept() -> None:
    entries = [LexEntry("urn:dkdb", "Dienst Koninklijke en Diplomatieke Beveiliging", "actor",
                        ("Dienst Koninklijke en Diplomatieke Beveiliging",)),
               LexEntry("urn:dsrt", "Dienst Specialistische Recherchetoepassingen", "actor",
                        ("Dienst Specialistische Recherchetoepassingen",))]
    expecter = Expecter(entries, {})
    got = expecter.expect("Welke recherchedienst had een vertegenwoordiger in het overleg?", [], who=False)
    assert got.actor and got.noun == "dienst" and got.modifier == "recherche"
    assert expecter.expect("Welke dienst had een vertegenwoordiger?", [], who=False).modifier == ""


@pytest.mark.parametrize(("question", "number"), [
    ("Hoeveel mensen staan op de lijst?", True),
    ("Hoe lang duurt een dreigingsanalyse?", True),
    ("Wat kost persoonsbeveiliging per jaar?", True),
    ("Wie beslist over persoonsbeveiliging?", False),
    ("Mijn buurman wordt bedreigd. Hoeveel beveiligers krijgt hij?", True),
])
def test_questions_that_ask_for_an_amount(question: str, number: bool) -> None:
    from kennis.answer.kinds import asks_for_number

    assert asks_for_number(question) is number


@pytest.mark.parametrize(("sentence", "number"), [
    ("De kosten bedragen € 3 miljoen.", True),
    ("Het overleg komt viermaal per jaar bijeen.", True),
    ("Op grond van artikel 16, lid 1, van de Politiewet 2012 beslist de minister.", False),
    ("Als de hoofdofficier dit noodzakelijk acht, informeert hij DB3.", False),
])
def test_sentences_that_state_an_amount(sentence: str, number: bool) -> None:
    from kennis.answer.kinds import states_number

    assert states_number(sentence) is number


def test_an_amount_the_texts_do_not_state_gets_no_answer(kennis: Kennis) -> None:
    answer = kennis.ask("Hoeveel stallingen heeft de wethouder onder zijn gezag?", date="2011-01-01")
    assert not answer.answered and not answer.actors
    assert "geen aantal" in answer.answer


def test_an_edition_a_held_letter_presents_can_be_asked_about(kennis: Kennis) -> None:
    # the 2020 edition has no text, but the letter presenting it is held
    assert kennis.answerer._edition_not_held("Wat staat er in de testcirculaire van 2020?") is None


@pytest.mark.parametrize(("question", "prep"), [
    ("Met wie moet de politie voorlopige maatregelen in een spoedzaak afstemmen?", "met"),
    ("Bij wie wordt een verhoogd risicomoment aangemeld?", "bij"),
    ("Wie stemt de maatregelen af met de CBB?", ""),  # "met" not before the asking word
    ("In wiens naam besluit de CBB over maatregelen?", "namens"),  # answered by "namens de minister"
])
def test_the_preposition_before_wie_is_the_role_of_the_answer(question: str, prep: str) -> None:
    expectation = Expecter(_LEXICON, {}).expect(question, EntityLinker(_LEXICON).link(question), who=True)
    assert expectation.actor and expectation.prep == prep


def test_a_list_item_is_done_by_the_agent_of_its_lead_in(kennis: Kennis) -> None:
    answerer = kennis.answerer
    sents = [("Aan de wethouder zijn de volgende taken opgedragen:", set()),
             ("a. het toezicht op de stallingen;", set()),
             ("b. het aanwijzen van stallingen door de SC;", set()),
             ("De SC adviseert.", set())]
    lead = answerer._lead_in_agent(sents, 2)
    assert lead is not None and lead.label == "wethouder"  # not the SC the item names after "door"
    assert answerer._lead_in_agent(sents, 3) is None  # no list item: its own agent acts


def test_the_quote_of_a_list_item_runs_from_the_lead_in_that_names_the_actor(
        kennis: Kennis, monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from kennis.models import ActorRef

    answerer = kennis.answerer
    lead_in = "Aan de wethouder zijn de volgende taken opgedragen:"
    # items longer than a quote is widened by for a pronoun, so only the lead-in rule reaches it
    text = "\n".join([lead_in, "a. het toezicht op de stallingen" + ", de rekken en de paden" * 30 + ";",
                      "b. het aanwijzen van de fietsenrekken."])
    passage = SimpleNamespace(text=text, footnotes=())

    class Corpus:
        def has_passage(self, pid: str) -> bool:
            return pid == "test/list-item"

        def passage(self, pid: str) -> SimpleNamespace:
            return passage

    monkeypatch.setattr(answerer, "corpus", Corpus())
    wethouder = next(a for a in kennis.answerer._labels.items() if a[1] == "wethouder")
    quote = answerer._naming_quote("test/list-item", "b. het aanwijzen van de fietsenrekken.",
                                   ActorRef(wethouder[0], "wethouder"))
    assert quote.startswith(lead_in) and quote.endswith("fietsenrekken.") and quote in text


def test_whose_word_is_asked_for_is_no_condition_of_the_answer(kennis: Kennis) -> None:
    drop = kennis.answerer._without_attribution
    # the phrase names a document of the corpus (by its title's first word, or the end of it)
    assert "testcirculaire" not in drop("Wie beslist volgens de testcirculaire over de stalling?")
    assert "brief" not in drop("Wie beslist volgens de brief van 2020 over de stalling?")
    assert "wethouder" in drop("Wie beslist volgens de wethouder over de stalling?")


@pytest.mark.parametrize(("question", "actor"), [
    ("Hij wordt bedreigd. Is er dan toch iemand verantwoordelijk voor zijn veiligheid?", True),
    ("Moet er iemand bij de politie van weten?", True),
    ("Is de stalling 's nachts open?", False),
])
def test_a_yes_no_question_for_someone_asks_for_an_actor(question: str, actor: bool) -> None:
    assert Expecter([], {}).expect(question, [], who=False).actor is actor


def test_a_passage_read_without_its_footnotes_first_is_still_read_with_them_later(kennis: Kennis) -> None:
    from kennis.answer.compose import _with_notes

    a = kennis.answerer
    p = next(p for v in kennis.corpus.versions.values() for p in v.passages if p.footnotes)
    plain = [s for s, _ in a._sentence_terms(p.id, p.text)]
    noted = [s for s, _ in a._sentence_terms(p.id, _with_notes(p))]
    # the footnote's sentences are there however the passage was read before
    assert len(noted) > len(plain) and any(p.footnotes[0].text.strip().startswith(s[:20]) for s in noted)


def test_the_document_whose_word_is_asked_for_is_read_and_preferred(kennis: Kennis) -> None:
    from kennis.answer.compose import CANDIDATE_FEATURES

    a = kennis.answerer
    assert a._attributed_docs("Wie wijst volgens de Testwet stallingen aan?") == {"BWBR9000003"}
    assert a._attributed_docs("Wie wijst volgens de wethouder stallingen aan?") == set()
    question = "Wie kan volgens de Testwet stallingen aanwijzen waarvan toezicht noodzakelijk is?"
    found = a.analyse(question, classify(question), a.linker.link(question), a.search(question, a.k, None),
                      kennis.corpus.select(None))
    i = CANDIDATE_FEATURES.index("attributed")
    assert found.candidates and all(c.features[i] == (1.0 if c.doc == "BWBR9000003" else 0.0)
                                    for c in found.candidates)
    assert kennis.ask(question).sources[0].doc == "BWBR9000003"


@pytest.mark.parametrize(("question", "about"), [
    ("Kan de CBB ook uit zichzelf iemand voordragen?", "urn:cbb"),
    ("Ik werk bij een ministerie. Neemt de HOvJ zulke informatie ook mee?", "urn:hovj"),
    ("Kan een burger een bedreiging melden bij de CBB?", ""),  # the CBB is not the subject
])
def test_a_yes_no_question_is_about_the_actor_that_is_its_subject(question: str, about: str) -> None:
    expectation = Expecter(_LEXICON, {}).expect(question, EntityLinker(_LEXICON).link(question), who=False)
    assert expectation.about == about and not expectation.actor


@pytest.mark.parametrize(("question", "on"), [
    ("Op wiens advies kan de hoofdofficier de maatregelen afbouwen?", "advies"),
    ("Op verzoek van wie maakt de dienst een analyse?", "verzoek"),
])
def test_on_whose_word_asks_for_that_counterpart(question: str, on: str) -> None:
    expectation = Expecter(_LEXICON, {}).expect(question, EntityLinker(_LEXICON).link(question), who=True)
    assert expectation.actor and expectation.on == on


def test_a_part_of_an_organisation_and_the_name_of_a_kind_are_actors() -> None:
    expecter = Expecter(_LEXICON, {"urn:cbb": frozenset({"dienst", "bewindspersoon"})})
    part = "Met welk deel van het OM stemt de NCTV af?"
    assert expecter.expect(part, [], who=False) == Expectation(actor=True, prep="met")
    named = expecter.expect("Hoe heette in 2013 de dienst die de persoonsbeveiliging deed?", [], who=False)
    assert named.actor and named.noun == "dienst"
    # an irregular plural of a kind noun
    assert expecter.expect("Welke twee bewindslieden vragen om een analyse?", [], who=False).noun == "bewindspersoon"
    assert not expecter.expect("Hoe heet het document over de stallingen?", [], who=False).actor


def test_the_one_threatened_is_not_the_agent() -> None:
    sentence = "Als de bedreigde HOvJ daar woont, kan de CBB het gezag overdragen."
    found = agents(sentence, EntityLinker(_LEXICON).link(sentence))
    assert found[0].mention.iri == "urn:cbb"
    assert next(a for a in found if a.mention.iri == "urn:hovj").role <= 0.3


def test_a_sentence_that_names_only_the_threatened_offers_no_agent() -> None:
    # the threatened and the one joined to it by "of" are the case, not who acts
    sentence = "Als de bedreigde HOvJ of CBB daar woont, wordt het gezag overgedragen."
    found = agents(sentence, EntityLinker(_LEXICON).link(sentence))
    assert {a.mention.iri for a in found} == {"urn:hovj", "urn:cbb"}
    assert all(a.role < ANSWER_ROLE for a in found)
