"""The built knowledge base (``kennis build`` on the shipped corpus, real model) answers
the development questions: quality targets, sources that exist, quotes that occur.

Runs in CI after ``./setup.sh`` has built the knowledge base; skipped when it is absent.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kennis.config import REPO_ROOT, Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

EVAL = REPO_ROOT.parent / "shared" / "eval"
SETS = [EVAL / "dev.jsonl", REPO_ROOT / "bench" / "questions" / "heldout.jsonl"]


@pytest.fixture(scope="module")
def kennis():
    from kennis.service import Kennis

    settings = Settings.from_env()
    k = Kennis(settings)
    if not k.is_built or not (settings.kb_dir / "index").is_dir():
        pytest.skip(f"no knowledge base built in {settings.kb_dir} (run ./setup.sh)")
    if settings.embedder == "stand-in":
        pytest.skip("the quality targets are for the real model")
    return k


@pytest.fixture(scope="module")
def score():
    path = EVAL / "score.py"
    if not path.is_file():
        pytest.skip("score.py is not available")
    spec = importlib.util.spec_from_file_location("kennis_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _questions(path: Path) -> list[dict]:
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _answers(kennis, questions):
    return {q["id"]: kennis.ask(q["question"], date=q.get("date")) for q in questions}


@pytest.mark.parametrize("qset", SETS, ids=lambda p: p.stem)
def test_every_source_exists_and_every_quote_occurs(kennis, qset: Path) -> None:
    for qid, answer in _answers(kennis, _questions(qset)).items():
        assert answer.answered, qid
        for s in answer.sources:
            passage = kennis.corpus.passage(s.passage)
            assert (passage.doc, passage.version, passage.ref) == (s.doc, s.version, s.ref), qid
            # a quote may come from the passage's footnotes, which belong to it
            whole = " ".join([passage.text, *(f.text for f in passage.footnotes)])
            assert " ".join(s.quote.split()) in " ".join(whole.split()), (qid, s.quote)


def test_dev_targets(kennis, score) -> None:
    questions = _questions(EVAL / "dev.jsonl")
    search = {q["id"]: kennis.search(q["question"], k=10, date=q.get("date")) for q in questions}
    answers = _answers(kennis, questions)
    r1 = r5 = mrr = 0.0
    actor_ok = who = src_ok = 0
    for q in questions:
        hits = [h.to_dict() for h in search[q["id"]].hits]
        ranks = [i for i, h in enumerate(hits, 1) if score.hit(h, q["gold"])]
        first = ranks[0] if ranks else None
        r1 += first == 1
        r5 += bool(first and first <= 5)
        mrr += 1 / first if first else 0
        a = answers[q["id"]]
        src_ok += any(score.hit(s.to_dict(), q["gold"]) for s in a.sources[:3])
        # the answer may not lose what search found: its first source is at least as good
        if hits and score.hit(hits[0], q["gold"]):
            assert score.hit(a.sources[0].to_dict(), q["gold"]), q["id"]
        if q.get("actors"):
            who += 1
            actor_ok += bool(a.actors) and score.actor_matches(a.actors[0].to_dict(), q["actors"])
    n = len(questions)
    assert r1 / n >= 0.85 and r5 / n >= 0.95 and mrr / n >= 0.90, (r1 / n, r5 / n, mrr / n)
    assert actor_ok / who >= 0.90 and src_ok / n >= 0.95, (actor_ok / who, src_ok / n)


@pytest.mark.parametrize("question", ["Hoe laat is het?", "Wat is de hoofdstad van Frankrijk?", "", "blorp fnarg wibble"])
def test_out_of_domain_gets_no_invented_actor(kennis, question: str) -> None:
    answer = kennis.ask(question)
    assert not answer.answered and not answer.actors


def test_dated_question_answers_from_the_edition_then(kennis) -> None:
    answer = kennis.ask("Wie besliste of iemand tijdelijk op de limitatieve lijst werd geplaatst?", date="2010-01-01")
    assert answer.actors[0].label.startswith("Nationaal Coördinator Terrorismebestrijding")
    assert {s.doc for s in answer.sources} <= {v.doc for v in kennis.select("2010-01-01").versions}
