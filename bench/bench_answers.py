#!/usr/bin/env python3
"""Answer quality and latency on question sets, with the figures the QA issue asks for.

Usage (from the repository root, after ``kennis build``):

    .venv/bin/python bench/bench_answers.py                      # dev + dev2
    .venv/bin/python bench/bench_answers.py --set FILE.jsonl [--set ...] [--show-misses]

Everything is loaded once (timed), then each question is answered once and scored as
``../shared/eval/score.py`` counts matches (its ``hit`` and ``actor_matches``):

- ``actor@1``: the first actor is an acceptable one (questions with ``actors``);
- ``sources@1`` / ``sources@3``: a gold passage is the first / among the first three sources;
- ``actor_in_quotes``: the first actor's label or an alternative label occurs in the first
  three quotes (answers that name an actor);
- ``verbatim``: every quote occurs verbatim in the passage it cites, and every source resolves;
- ``no_actor_unanswerable`` / ``no_answer_unanswerable``: questions with empty ``gold`` get no
  actor / get the honest no-answer (and so no actor either);
- ``ask_p50_ms`` / ``ask_p95_ms``: latency with everything loaded (``--repeat`` runs).

``--show-misses`` prints the misses (actor wrong, first source not gold, or the first actor not
named in the first three quotes: ``named=False``) of any set given; use it only on sets that
have already been looked at, never on a held-out set still unseen (``holdout2-*``).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _eval  # noqa: E402

from kennis.config import Settings  # noqa: E402
from kennis.service import Kennis  # noqa: E402
from kennis.text import fold  # noqa: E402

EVAL = REPO.parent / "shared" / "eval"
DEFAULT_SETS = [EVAL / "dev.jsonl", EVAL / "dev2.jsonl"]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def named_in(actor: dict, quotes: list[str]) -> bool:
    text = " ".join(fold(q) for q in quotes)
    names = [actor.get("label", ""), *actor.get("alt_labels", ())]
    # a name counts at the start of a word, also in brackets: "(DKDB)"
    return any(n and re.search(r"(?<!\w)" + re.escape(fold(n)), text) for n in names)


def score_set(k: Kennis, questions: list[dict], score, repeat: int) -> tuple[dict, list[str]]:
    ms: list[float] = []
    who = actor_ok = src1 = src3 = named = with_actor = unans = unans_ok = unans_no_actor = 0
    quotes = quotes_ok = 0
    misses: list[str] = []
    answerable = [q for q in questions if q.get("gold")]
    for q in questions:
        for _ in range(repeat):
            t = time.perf_counter()
            a = k.ask(q["question"], date=q.get("date"))
            ms.append((time.perf_counter() - t) * 1000)
        sources = [s.to_dict() for s in a.sources]
        for s in a.sources:
            quotes += 1
            try:
                p = k.corpus.passage(s.passage)
                # a quote may come from the passage's footnotes, which belong to it
                text = " ".join(" ".join([p.text, *(f.text for f in p.footnotes)]).split())
                quotes_ok += " ".join(s.quote.split()) in text and s.doc == p.doc
            except Exception:  # noqa: BLE001 - a source that does not resolve counts as wrong
                pass
        if not q.get("gold"):
            unans += 1
            ok = not a.actors and not a.answered
            unans_ok += ok
            unans_no_actor += not a.actors
            if not ok:
                misses.append(f'{q["id"]}: unanswerable got answered={a.answered} actors={[x.label for x in a.actors]}')
            continue
        first = bool(sources) and score.hit(sources[0], q["gold"])
        top3 = any(score.hit(s, q["gold"]) for s in sources[:3])
        src1 += first
        src3 += top3
        actor_hit = None
        if q.get("actors"):
            who += 1
            actor_hit = bool(a.actors) and score.actor_matches(a.actors[0].to_dict(), q["actors"])
            actor_ok += actor_hit
        shown = None
        if a.actors:
            with_actor += 1
            shown = named_in(a.actors[0].to_dict(), [s.quote for s in a.sources[:3]])
            named += shown
        if actor_hit is False or not first or shown is False:
            misses.append(f'{q["id"]}: actor={actor_hit} ({a.actors[0].label if a.actors else "-"}) '
                          f'first={first} top3={top3} named={shown} kind={a.kind} '
                          f'sources={[s.doc[-4:] + " " + s.ref for s in a.sources[:3]]}')
    n = len(answerable) or 1
    out = {
        "n": len(questions),
        "actor@1": round(actor_ok / who, 3) if who else None,
        "sources@1": round(src1 / n, 3) if answerable else None,
        "sources@3": round(src3 / n, 3) if answerable else None,
        "actor_in_quotes": round(named / with_actor, 3) if with_actor else None,
        "verbatim": round(quotes_ok / quotes, 3) if quotes else None,
        "no_actor_unanswerable": round(unans_no_actor / unans, 3) if unans else None,
        "no_answer_unanswerable": round(unans_ok / unans, 3) if unans else None,
        "ask_p50_ms": round(statistics.median(ms), 1),
        "ask_p95_ms": round(pct(ms, 0.95), 1),
    }
    return out, misses


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", action="append", type=Path, help="question set(s) (JSONL); default dev + dev2")
    ap.add_argument("--repeat", type=int, default=1, help="answer each question this many times (latency)")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    score = _eval.scorer()
    k = Kennis(Settings.from_env())
    t0 = time.perf_counter()
    k.warm_up()
    print(f"loaded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    for path in args.set or DEFAULT_SETS:
        figures, misses = score_set(k, _eval.load_questions(path), score, args.repeat)
        if args.show_misses:
            print("\n".join(misses))
        print(json.dumps({"set": path.name, **figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
