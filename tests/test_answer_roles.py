"""Who acts, read from what the question and the sentence say of the actors they name.

- The words of a name say no action: in *Het bevoegd gezag kan … voordragen* the body's name
  holds *gezag*, but the sentence says nothing about who holds authority.
- A case said not to be on what the graph places in one domain (*niet op de lijst*) lies in
  the other domain.
- A principal the question names by its kind only (*namens de minister*) is not the answer.
- A query that cites an article of a named law finds that article first.
"""

from __future__ import annotations

import pytest

from answer_fixtures import actor, build_kennis, document
from kennis.answer.compose import CANDIDATE_FEATURES
from kennis.answer.expect import Expecter
from kennis.answer.kinds import classify
from kennis.answer.linking import EntityLinker, LexEntry
from kennis.service import Kennis

TEXTS = {
    "bwb/BWBR9300001/2015-01-01.md": (
        "##Testcirculaire stallingen 2015\n\n"
        "### 1  \n\n####Voordracht\n\nHet bevoegd gezag kan de wethouder voorstellen een stalling over het gezag "
        "voor te dragen voor de lijst van stallingen.\n\n"
        "### 2  \n\n####Gemeentelijk domein\n\nIn het gemeentelijk domein ligt het gezag over de stallingen bij "
        "de wethouder.\n\n"
        "### 3  \n\n####Rijksdeel\n\nDe minister van Testzaken draagt het gezag over de stallingen van de lijst van "
        "stallingen.\n\n### 4  \n\n####Besluiten\n\nOver maatregelen bij de stallingen besluit de minister van Testzaken. De directeur besluit daarover namens de minister van Testzaken.\n"
    ),
    "bwb/BWBR9300002/2012-01-01.md": (
        "##Testwet stallingen 2012\n\n### Artikel  1  \n\nDe wethouder houdt de maatregelen bij stallingen bij: "
        "maatregelen bij stallingen en maatregelen bij de stallingen van de testwet.\n\n"
        "### Artikel  2  \n\nDe wethouder meldt de maatregelen bij stallingen aan de raad.\n"
    ),
}

MANIFEST = "\n".join([
    document("BWBR9300001", "circulaire", "Testcirculaire stallingen 2015", "2015-01-01",
             "bwb/BWBR9300001/2015-01-01.md", 0, valid_from="2015-01-01"),
    document("BWBR9300002", "wet", "Testwet stallingen 2012", "2012-01-01", "bwb/BWBR9300002/2012-01-01.md", 1),
])

ABOX = "\n".join([
    '[aliases]\nC = "BWBR9300001"\n',
    actor("wethouder", "wethouder", "alderman", "BWBR9300001", "2"),
    actor("bevoegd-gezag", "bevoegd gezag", "competent authority", "BWBR9300001", "1", kind="Collective"),
    actor("minister", "minister van Testzaken", "Minister of Test Affairs", "BWBR9300001", "3"),
    actor("directeur", "directeur", "director", "BWBR9300001", "3"),
    '[[concept]]\nid = "decentraal-domein"\nscheme = "domain"\nnl = "gemeentelijk domein"\nen = "municipal domain"\n'
    'definition = "Stallingen onder gemeentelijk gezag."\n',
    '[[concept]]\nid = "rijksdomein"\nscheme = "domain"\nnl = "rijksdeel"\nen = "national part"\n'
    'definition = "Stallingen van de lijst."\n',
    '[[concept]]\nid = "hold-gezag"\nscheme = "action"\nnl = "draagt het gezag over"\nen = "holds authority over"\n'
    'alt = ["ligt het gezag bij"]\ndefinition = "Heeft het gezag."\n',
    '[[concept]]\nid = "nominate"\nscheme = "action"\nnl = "draagt voor"\nen = "nominates"\n'
    'definition = "Draagt iets voor."\n',
    '[[concept]]\nid = "decide"\nscheme = "action"\nnl = "besluit over"\nen = "decides on"\n'
    'definition = "Neemt een besluit."\n',
    '[[concept]]\nid = "lijst"\nscheme = "list"\nnl = "lijst van stallingen"\nen = "list of sheds"\n'
    'alt = ["lijst"]\ndefinition = "De stallingen van het rijksdeel."\n',
    '[[concept]]\nid = "maatregel"\nscheme = "measure"\nnl = "maatregelen"\nen = "measures"\n'
    'definition = "Maatregelen bij stallingen."\n',
    '[[competence]]\nid = "wethouder-gezag"\nactor = "wethouder"\naction = "hold-gezag"\nobject = "maatregel"\n'
    'domain = "decentraal-domein"\nlabel = "De wethouder draagt het gezag over de stallingen"\n'
    'src = [["C", "2", "In het gemeentelijk domein ligt het gezag over de stallingen bij de wethouder."]]\n',
    '[[competence]]\nid = "minister-gezag"\nactor = "minister"\naction = "hold-gezag"\nobject = "lijst"\n'
    'domain = "rijksdomein"\nlabel = "De minister draagt het gezag over de stallingen van de lijst"\n'
    'src = [["C", "3", "De minister van Testzaken draagt het gezag over de stallingen van de lijst van stallingen."]]\n',
    '[[competence]]\nid = "gezag-voordracht"\nactor = "bevoegd-gezag"\naction = "nominate"\nobject = "lijst"\n'
    'domain = "rijksdomein"\nlabel = "Het bevoegd gezag draagt stallingen voor"\n'
    'src = [["C", "1", "Het bevoegd gezag kan de wethouder voorstellen een stalling over het gezag voor te dragen '
    'voor de lijst van stallingen."]]\n',
])


@pytest.fixture(scope="module")
def kennis(tmp_path_factory: pytest.TempPathFactory) -> Kennis:
    return build_kennis(tmp_path_factory.mktemp("roles"), TEXTS, MANIFEST, ABOX)


def test_the_words_of_a_name_say_no_action(kennis: Kennis) -> None:
    a = kennis.answerer
    assert a._sentence_actions("Het bevoegd gezag kan een stalling voor te dragen.") == {"draagt voor"}
    assert "draagt het gezag over" in a._sentence_actions("Het gezag over de stallingen ligt bij de wethouder.")


def test_who_holds_authority_is_read_from_the_sentence_that_says_so(kennis: Kennis) -> None:
    answer = kennis.ask("Bij wie ligt het gezag over een stalling?")
    assert answer.actors[0].label == "wethouder"
    assert (answer.sources[0].doc, answer.sources[0].ref) == ("BWBR9300001", "2")


def test_a_case_not_on_the_list_lies_in_the_other_domain(kennis: Kennis) -> None:
    answer = kennis.ask("Bij wie ligt het gezag over een school die niet op de lijst van stallingen staat?")
    assert answer.actors[0].label == "wethouder"
    assert (answer.sources[0].doc, answer.sources[0].ref) == ("BWBR9300001", "2")
    # the sentences about the rijksdeel count against, those of the gemeentelijk domein for
    a = kennis.answerer
    question = "Wie draagt het gezag over een stalling die niet op de lijst van stallingen staat?"
    found = a.analyse(question, classify(question), a.linker.link(question), a.search(question, 10, None),
                      kennis.corpus.select(None))
    by_quote = {c.quote.split()[1]: dict(zip(CANDIDATE_FEATURES, c.features)) for c in found.candidates}
    assert by_quote["minister"]["other_domain"] == 1.0 and by_quote["het"]["own_domain"] == 1.0


def test_a_principal_named_by_its_kind_is_not_the_answer(kennis: Kennis) -> None:
    question = "Wie besluit namens de minister over maatregelen bij de stallingen?"
    answer = kennis.ask(question)
    assert answer.actors[0].label == "directeur"
    # where the minister itself decides, it is not put forward as the answer to this question
    a = kennis.answerer
    expectation = a.expecter.expect(question, a.linker.link(question), who=True)
    weights = dict((r.label, w) for r, w in a._sentence_actors(
        "Over maatregelen bij de stallingen besluit de minister van Testzaken.", set(), expectation))
    assert weights["minister van Testzaken"] < 0.3


_LEXICON = [
    LexEntry("urn:min", "minister van Testzaken", "actor", ("minister van Testzaken",)),
    LexEntry("urn:off", "officier van justitie", "actor", ("officier van justitie",)),
]


@pytest.mark.parametrize(("question", "kinds"), [
    ("Wie besluit namens de minister over de maatregelen?", {"minister"}),
    ("Wie handelt in opdracht van de minister?", {"minister"}),
    # an offered choice is no counterpart, nor is a compound with a hyphen
    ("Ligt dat bij de officier of bij de minister, en wie beslist?", set()),
    ("Wie bewaakt de woning van de minister-president?", set()),
])
def test_counterpart_kinds_of_a_question(question: str, kinds: set[str]) -> None:
    expecter = Expecter(_LEXICON, {})
    linker = EntityLinker(_LEXICON)
    assert expecter.expect(question, linker.link(question), who=True).counterparts == kinds


def test_a_query_citing_an_article_finds_it_first(kennis: Kennis) -> None:
    # article 1 shares more of the words; the one the query cites comes first
    assert kennis.search("maatregelen bij stallingen van de Testwet stallingen").hits[0].ref == "artikel 1"
    assert kennis.search("maatregelen bij stallingen artikel 2 van de Testwet stallingen").hits[0].ref == "artikel 2"
