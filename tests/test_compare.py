"""Reading aids behind the app: comparing editions, cited-from, highlighting, small networks."""

from __future__ import annotations

import pytest

from kennis.corpus.compare import cited_from, compare_versions, diff_words, editions_with_text, mark_terms, query_terms
from kennis.config import Settings
from kennis.corpus import ingest
from kennis.models import ActorCard, ActorRef, Answer, Competence, ExplanationStep
from kennis.format import actor_display, cite_ref
from kennis.views import actor_neighbourhood, explanation_network, sparql_examples


@pytest.fixture
def corpus(settings: Settings):
    return ingest(settings)


def test_diff_words_marks_deletions_and_insertions() -> None:
    left, right, ratio = diff_words("de wethouder beslist alleen", "de wethouder beslist samen met de SC")
    assert [s.op for s in left] == ["equal", "delete"]
    assert left[1].text == "alleen"
    assert "".join(s.text for s in right) == "de wethouder beslist samen met de SC"
    assert right[-1].op == "insert" and "samen met de SC" in right[-1].text
    assert 0 < ratio < 1
    assert diff_words("gelijk", "gelijk")[2] == 1.0


def test_compare_versions_of_one_document(corpus) -> None:
    cmp = compare_versions(corpus, ("BWBR9000001", "2010-01-01"), ("BWBR9000001", "2012-06-01"))
    by_ref = {s.left.ref: s for s in cmp.sections if s.left}
    assert by_ref["1.1"].status == "gewijzigd"
    assert by_ref["1"].status == "gelijk" and by_ref["2"].status == "gelijk"
    assert cmp.counts()["gewijzigd"] == 1
    one = compare_versions(corpus, ("BWBR9000001", "2010-01-01"), ("BWBR9000001", "2012-06-01"), ref="1.1")
    assert [s.left.ref for s in one.sections] == ["1.1"]


def test_compare_editions_aligns_sections_and_reports_new_ones(corpus) -> None:
    cmp = compare_versions(corpus, ("BWBR9000001", None), ("BWBR9000002", None))
    pairs = {(s.left.ref if s.left else None, s.right.ref if s.right else None) for s in cmp.sections}
    assert ("1.1", "1.1") in pairs
    assert (None, "1.1.1") in pairs  # only in the newer edition
    assert cmp.left == "BWBR9000001/2012-06-01" and cmp.right == "BWBR9000002/2015-01-01"


def test_editions_with_text_follow_the_work(corpus) -> None:
    assert editions_with_text(corpus, "BWBR9000002") == [
        ("BWBR9000001", "2010-01-01"), ("BWBR9000001", "2012-06-01"), ("BWBR9000002", "2015-01-01"),
    ]
    assert editions_with_text(corpus, "BWBR9000003") == [("BWBR9000003", "2009-01-01")]


def test_cited_from_finds_citing_passages(corpus) -> None:
    art3 = cited_from(corpus, "BWBR9000003", "artikel 3")
    citing = {(c.passage.doc, c.passage.ref) for c in art3}
    assert ("BWBR9000001", "1.1") in citing  # "artikel 3, tweede lid, van de Testwet 2009"
    assert all(c.reference.target_ref.startswith("artikel 3") for c in art3)
    assert cited_from(corpus, "BWBR9000003", "artikel 99") == []
    whole = cited_from(corpus, "BWBR9000003")
    assert len(whole) >= len(art3)


def test_mark_terms_highlights_inflections_without_stop_words() -> None:
    pieces = mark_terms("Het gezag over de persoonsbeveiliging.", "gezag persoonsbeveiliging van de")
    assert [t for t, hit in pieces if hit] == ["gezag", "persoonsbeveiliging"]
    assert "".join(t for t, _ in pieces) == "Het gezag over de persoonsbeveiliging."
    assert [t for t, hit in mark_terms("Coördinator en coordinatie", "coordinator") if hit] == ["Coördinator"]
    assert query_terms("Wie is de HOvJ?") == ["hovj"]


def test_cite_ref_and_actor_display() -> None:
    assert cite_ref("4.2") == "§ 4.2"
    assert cite_ref("artikel 16 lid 1") == "artikel 16 lid 1"
    assert cite_ref("") == "gehele tekst"
    assert actor_display(ActorRef("x", "hoofdofficier van justitie", ("HOvJ",))) == "hoofdofficier van justitie (HOvJ)"


def test_actor_neighbourhood_links_organisations_domains_and_objects() -> None:
    me = ActorRef("urn:a", "wethouder", ("WH",))
    card = ActorCard(
        iri="urn:a", label="wethouder", parents=(ActorRef("urn:g", "gemeente"),),
        acts_on_behalf_of=(ActorRef("urn:m", "minister"),),
        competences=(Competence("urn:c", me, "beslist over", "extra toezicht", domain="gemeentelijk domein"),),
    )
    net = actor_neighbourhood(card)
    kinds = {n.id: n.kind for n in net.nodes}
    assert kinds["urn:g"] == "actor" and kinds["domain:gemeentelijk domein"] == "domain"
    assert kinds["object:extra toezicht"] == "object"
    assert {(e.source, e.target) for e in net.edges} >= {("urn:a", "urn:g"), ("urn:a", "urn:m")}
    dot = net.to_dot(lambda n: f"?actor={n.target}" if n.target else None)
    assert dot.startswith("digraph") and 'URL="?actor=urn:g"' in dot


def test_explanation_network_follows_the_steps() -> None:
    pid_iri = "https://w3id.org/kennis/id/passage/BWBR9000001/2010-01-01/1.1/1"
    answer = Answer(
        question="?", answer="!", kind="actor", actors=(ActorRef("urn:a", "wethouder"),),
        explanation=(ExplanationStep("urn:a", "urn:x#holds", "urn:c", "wethouder", "gezag"),
                     ExplanationStep("urn:c", "urn:x#source", pid_iri, "gezag", "")),
    )
    net = explanation_network(answer)
    assert [n.kind for n in net.nodes] == ["actor", "statement", "passage"]
    assert net.node(pid_iri).label == "BWBR9000001 § 1.1 (2010-01-01)"
    assert [e.label for e in net.edges] == ["holds", "source"]


def test_sparql_examples_are_queries() -> None:
    examples = sparql_examples()
    assert len(examples) >= 3
    assert all("SELECT" in q and "PREFIX" in q for q in examples.values())
