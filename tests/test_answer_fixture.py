"""Answering on the fixture knowledge base (stand-in embedder, fixture ABox): fast."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from kennis.cli import main
from kennis.config import Settings
from kennis.progress import Progress
from kennis.service import Kennis
from tests.conftest import FIXTURE_ABOX, FIXTURE_CORPUS


@pytest.fixture(scope="module")
def kennis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kennis]:
    data = tmp_path_factory.mktemp("answer") / "data"
    settings = Settings(corpus_dir=FIXTURE_CORPUS, data_dir=data, embedder="stand-in", abox_dir=FIXTURE_ABOX)
    Kennis(settings).build(Progress(quiet=True))
    yield Kennis(settings)


def _quote_in_passage(k: Kennis, source) -> bool:
    text = " ".join(k.corpus.passage(source.passage).text.split())
    return " ".join(source.quote.split()) in text


def test_who_question_names_actor_with_quoted_source(kennis: Kennis) -> None:
    answer = kennis.ask("Wie draagt het gezag over de stallingen?", date="2011-01-01")
    assert answer.answered
    assert answer.actors[0].label == "wethouder"
    first = answer.sources[0]
    assert (first.doc, first.ref, first.version) == ("BWBR9000001", "1.1", "2010-01-01")
    assert all(_quote_in_passage(kennis, s) for s in answer.sources)
    # the path in the ontology's own terms: statement kb:actor actor, statement kb:statedIn passage
    step = answer.explanation[0]
    assert (step.predicate, step.object) == ("kb:actor", answer.actors[0].iri)
    assert any(s.predicate == "kb:statedIn" and s.object == first.passage for s in answer.explanation)


def test_the_date_selects_the_edition(kennis: Kennis) -> None:
    answer = kennis.ask("Wie draagt het gezag over toezicht in het rijksdeel?")
    assert answer.actors[0].label == "stallingscoördinator"
    assert {s.doc for s in answer.sources} <= {"BWBR9000002", "BWBR9000003", "brief-2020"}
    assert any("nieuwere editie" in n for n in answer.notices)


def test_definition_question_quotes_a_sentence_of_the_passage(kennis: Kennis) -> None:
    answer = kennis.ask("Wat is een stalling?")
    assert answer.answered
    # every answer names the actors it is about: those its first quote names
    quote = answer.sources[0].quote.lower()
    assert all(any(n.lower() in quote for n in (a.label, *a.alt_labels)) for a in answer.actors[:1])
    assert all(_quote_in_passage(kennis, s) for s in answer.sources)


@pytest.mark.parametrize("question", ["", "   ", "Hoe laat is het?", "qwpoe zxmnv lkjh", "x" * 10_000])
def test_out_of_domain_and_empty_input_get_an_honest_no(kennis: Kennis, question: str) -> None:
    answer = kennis.ask(question)
    assert not answer.answered
    assert answer.actors == () and answer.sources == ()
    assert "niet met een bron onderbouwen" in answer.answer


def test_cli_ask_batch_contract(kennis: Kennis, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KENNIS_EMBEDDER", "stand-in")
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        json.dumps({"id": "a", "question": "Wie draagt het gezag over de stallingen?", "date": "2011-01-01"}) + "\n"
        + json.dumps({"id": "b", "question": ""}) + "\n",
        encoding="utf-8",
    )
    s = kennis.settings
    code = main(["ask", "--json", "--batch", str(batch), "--quiet",
                 "--corpus-dir", str(s.corpus_dir), "--data-dir", str(s.data_dir)])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["actors"][0]["label"] == "wethouder"
    assert {"iri", "label", "alt_labels"} <= set(rows[0]["actors"][0])
    assert {"doc", "version", "ref", "quote"} <= set(rows[0]["sources"][0])
    assert rows[1]["actors"] == []


def test_change_question_quotes_both_editions(kennis: Kennis) -> None:
    answer = kennis.ask("Wat is er veranderd aan de taken en bevoegdheden tussen 2010 en 2015?")
    assert answer.kind == "wijziging" and answer.answered
    assert [s.doc for s in answer.sources[:2]] == ["BWBR9000002", "BWBR9000001"]
    assert "stond" in answer.answer
    assert all(_quote_in_passage(kennis, s) for s in answer.sources)


def test_sparql_table_and_clear_errors(kennis: Kennis) -> None:
    from kennis.errors import KennisError

    table = kennis.sparql("PREFIX kb: <https://w3id.org/kennis/def#> SELECT ?s WHERE { ?s a kb:Competence }")
    assert table.columns == ("s",) and len(table.rows) == 4
    assert kennis.sparql("ASK { ?s ?p ?o }").boolean is True
    for bad, words in [("SELEC x", "syntax"), ("INSERT DATA { <a:b> <a:c> <a:d> }", "read-only"),
                       ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "SELECT and ASK")]:
        with pytest.raises(KennisError, match=words):
            kennis.sparql(bad)
