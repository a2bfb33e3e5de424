#!/usr/bin/env python3
"""Fit the weights of the answering-sentence features by cross-validated random search.

Usage (from the repository root, after ``kennis build``):

    .venv/bin/python bench/fit_answers.py [--set FILE ...] [--folds 5] [--samples 3000]

For each question of the development sets the answerer's candidate sentences and their
features are computed once (``Answerer.analyse``); a weight vector then picks the best
candidate, whose passage is the first source and whose agent is the first actor. The
objective is sources@1 + actor@1. The script prints the figures of the current weights,
the cross-validated figures of the search (weights fitted on k-1 folds, scored on the
held-out fold), and the weights fitted on all questions. Only development sets go in:
the unseen held-out family (``UNSEEN``) must never be used here.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import date
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _eval  # noqa: E402

from kennis.answer.compose import CANDIDATE_WEIGHTS  # noqa: E402
from kennis.answer.kinds import classify  # noqa: E402
from kennis.config import Settings  # noqa: E402
from kennis.models import ActorRef  # noqa: E402
from kennis.service import Kennis  # noqa: E402

EVAL = REPO.parent / "shared" / "eval"
#: The held-out families whose misses no one has read (``bench/questions/HOLDOUT9.md`` to
#: ``HOLDOUT12.md``); the families before them became development sets once their misses were read.
UNSEEN = ("holdout9", "holdout10", "holdout11", "holdout12")
DEFAULT_SETS = [EVAL / "dev.jsonl", EVAL / "dev2.jsonl", REPO / "bench" / "questions" / "heldout.jsonl"]


def collect(k: Kennis, questions: list[dict], score) -> list[dict]:
    """Per question: feature matrix, which candidates cite gold, which name a gold actor first."""
    a = k.answerer
    rows = []
    for q in questions:
        if not q.get("gold"):
            continue
        day = date.fromisoformat(q["date"]) if q.get("date") else None
        text = " ".join(q["question"].split())
        selection = a.corpus.select(day)
        result = a.search(text, a.k, day)
        if not result.hits:
            continue
        found = a.analyse(text, classify(text), a.linker.link(text), result, selection)
        if not found.candidates:
            continue
        feats = np.array([c.features for c in found.candidates], dtype=float)
        gold_src = np.array([score.hit({"doc": c.doc, "ref": c.ref}, q["gold"]) for c in found.candidates])
        actors = q.get("actors") or []
        about = found.expectation.about
        first_actor = []
        for i, c in enumerate(found.candidates):
            pool = list(c.actors[:1]) + ([x for d in found.candidates[i + 1:i + 4] for x in d.actors[:1]]
                                         if found.expectation.actor else [])
            first = about or (pool[0].iri if pool else "")
            ref = next((x for x in (c.actors + tuple(y for d in found.candidates for y in d.actors)) if x.iri == first), None)
            if about:
                ref_dict = a._actor(ActorRef(about, a._labels.get(about, ""))).to_dict()
            else:
                ref_dict = ref.to_dict() if ref else {"label": "", "alt_labels": []}
            first_actor.append(bool(actors) and score.actor_matches(ref_dict, actors))
        rows.append({"id": q["id"], "F": feats, "src": gold_src, "act": np.array(first_actor),
                     "has_actor": bool(actors)})
    return rows


def evaluate(rows: list[dict], w: np.ndarray) -> tuple[float, float]:
    src = act = n_act = 0
    for r in rows:
        i = int(np.argmax(r["F"] @ w))
        src += bool(r["src"][i])
        if r["has_actor"]:
            n_act += 1
            act += bool(r["act"][i])
    return src / max(1, len(rows)), act / max(1, n_act)


def search(rows: list[dict], base: np.ndarray, samples: int, rng: random.Random) -> np.ndarray:
    best_w, best = base, sum(evaluate(rows, base))
    for _ in range(samples):
        w = np.array([b * np.exp(rng.gauss(0, 0.6)) if b else rng.gauss(0, 0.1) for b in best_w])
        if rng.random() < 0.2:  # sometimes switch one feature off or on
            j = rng.randrange(len(w))
            w[j] = 0.0 if w[j] else rng.gauss(0, 0.2)
        val = sum(evaluate(rows, w))
        if val > best + 1e-9:
            best_w, best = w, val
    return best_w


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", action="append", type=Path, help="development set(s); default dev, dev2, heldout")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    sets = [p for p in (args.set or DEFAULT_SETS) if p.is_file()]
    if any(p.name.startswith(UNSEEN) for p in sets):
        raise SystemExit("the unseen held-out sets are for reporting only, not for fitting")
    score = _eval.scorer()
    k = Kennis(Settings.from_env())
    k.warm_up()
    rows = [r for p in sets for r in collect(k, _eval.load_questions(p), score)]
    base = np.array(CANDIDATE_WEIGHTS, dtype=float)
    print(json.dumps({"questions": len(rows), "current": dict(zip(("sources@1", "actor@1"), evaluate(rows, base)))}))
    rng = random.Random(args.seed)
    order = list(range(len(rows)))
    rng.shuffle(order)
    cv_src = cv_act = 0.0
    for f in range(args.folds):
        test = [rows[i] for i in order[f::args.folds]]
        train = [rows[i] for i in order if i not in set(order[f::args.folds])]
        w = search(train, base, args.samples, rng)
        s, a = evaluate(test, w)
        base_s, base_a = evaluate(test, base)
        print(json.dumps({"fold": f, "test_n": len(test), "fitted": [round(s, 3), round(a, 3)],
                          "current": [round(base_s, 3), round(base_a, 3)]}))
        cv_src += s / args.folds
        cv_act += a / args.folds
    final = search(rows, base, args.samples, rng)
    print(json.dumps({"cross_validated": {"sources@1": round(cv_src, 3), "actor@1": round(cv_act, 3)},
                      "fitted_on_all": dict(zip(("sources@1", "actor@1"), map(lambda x: round(x, 3), evaluate(rows, final)))),
                      "weights": [round(float(x), 3) for x in final]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
