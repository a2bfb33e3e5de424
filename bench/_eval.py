"""Shared helpers for the search benchmark: question sets and the scorer's matching rules."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path
from typing import Any, Callable, Sequence

DEFAULT_SET = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


def load_questions(path: Path) -> list[dict[str, Any]]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def scorer(path: Path | None = None):
    """The official score.py module (its ``hit`` function decides what counts)."""
    path = path or DEFAULT_SET.parent / "score.py"
    spec = importlib.util.spec_from_file_location("kennis_eval_score", path)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader
    spec.loader.exec_module(mod)
    return mod


def evaluate(questions: Sequence[dict], run: Callable[[str, date | None], list[dict]], score_mod) -> dict:
    """recall@1, recall@5, MRR@10 and the misses for one ranking function."""
    r1 = r5 = mrr = 0.0
    misses = []
    for q in questions:
        day = date.fromisoformat(q["date"]) if q.get("date") else None
        results = run(q["question"], day)
        rank = next((i + 1 for i, r in enumerate(results[:10]) if score_mod.hit(r, q["gold"])), None)
        r1 += rank == 1
        r5 += rank is not None and rank <= 5
        mrr += 1.0 / rank if rank else 0.0
        if rank != 1:
            misses.append(f'{q["id"]}: rank={rank} top3={[r["doc"] + " " + r["ref"] for r in results[:3]]}')
    n = len(questions) or 1
    return {"recall@1": round(r1 / n, 3), "recall@5": round(r5 / n, 3), "mrr@10": round(mrr / n, 3),
            "n": len(questions), "misses": misses}
