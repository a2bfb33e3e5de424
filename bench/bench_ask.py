#!/usr/bin/env python3
"""Question-answering benchmark: latency with everything loaded, and answer quality.

Usage (from the repository root, after ``kennis build``):

    .venv/bin/python bench/bench_ask.py                       # dev + held-out questions
    .venv/bin/python bench/bench_ask.py --repeat 3 --set FILE.jsonl

Loads the model, indexes and graph once (timed), then answers every question
``--repeat`` times and prints p50/p95 latency of ``ask``. Search runs on the same
questions in the same process as the baseline, so the ratio ask/search stays
comparable on a noisy shared machine. Quality: actor@1 and sources@3 as
``../shared/eval/score.py`` counts them.
"""

from __future__ import annotations

import argparse
import json
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

DEFAULT_SETS = [_eval.DEFAULT_SET, REPO / "bench" / "questions" / "heldout.jsonl"]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", action="append", type=Path, help="question set(s) (JSONL); default dev + held-out")
    ap.add_argument("--repeat", type=int, default=3, help="answer each question this many times (default 3)")
    args = ap.parse_args()
    sets = args.set or [p for p in DEFAULT_SETS if p.is_file()]
    score = _eval.scorer()

    k = Kennis(Settings.from_env())
    t0 = time.perf_counter()
    k.warm_up()
    load_s = time.perf_counter() - t0
    print(f"loaded model, indexes, graph and statements in {load_s:.1f} s")

    for path in sets:
        questions = _eval.load_questions(path)
        ask_ms: list[float] = []
        search_ms: list[float] = []
        actor_ok = who = src_ok = 0
        for _ in range(args.repeat):
            for q in questions:
                t = time.perf_counter()
                k.search(q["question"], k=10, date=q.get("date"))
                search_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                a = k.ask(q["question"], date=q.get("date"))
                ask_ms.append((time.perf_counter() - t) * 1000)
        for q in questions:
            a = k.ask(q["question"], date=q.get("date"))
            src_ok += any(score.hit(s.to_dict(), q["gold"]) for s in a.sources[:3])
            if q.get("actors"):
                who += 1
                actor_ok += bool(a.actors) and score.actor_matches(a.actors[0].to_dict(), q["actors"])
        n = len(questions)
        print(json.dumps({
            "set": path.name, "n": n, "repeat": args.repeat,
            "ask_p50_ms": round(statistics.median(ask_ms), 1), "ask_p95_ms": round(pct(ask_ms, 0.95), 1),
            "search_p50_ms": round(statistics.median(search_ms), 1),
            "search_p95_ms": round(pct(search_ms, 0.95), 1),
            "ask_over_search_p50": round(statistics.median(ask_ms) / statistics.median(search_ms), 2),
            "actor@1": round(actor_ok / who, 3) if who else None, "sources@3": round(src_ok / n, 3),
        }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
