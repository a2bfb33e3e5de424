"""Question sets of the search benchmarks: the development sets and keyword queries.

Keyword queries are what people type into a search box: two to five words, no question
mark. Besides the ones written as such in the sets, every question is also turned into
one by the rule below (its content words; the rarest five when it has more), so that
keyword ranking can be measured and fitted on more than a handful of queries.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

import _eval

SHARED = Path(__file__).resolve().parents[2] / "shared"
REPO = Path(__file__).resolve().parents[1]
SETS = {
    "dev": SHARED / "eval" / "dev.jsonl",
    "dev2": SHARED / "eval" / "dev2.jsonl",
    "heldout": REPO / "bench" / "questions" / "heldout.jsonl",
}

_WORD = re.compile(r"[^\W_][\w\-]*", re.UNICODE)
#: Words of a question that nobody types into a search box.
_QUESTION_WORDS = {
    "wie", "wat", "welke", "welk", "waar", "wanneer", "waarom", "hoe", "kan", "kun", "moet", "mag",
    "wordt", "worden", "werd", "werden", "is", "zijn", "was", "waren", "heeft", "hebben", "had",
    "volgens", "eigenlijk", "precies", "gebeurt", "gebeurde", "bedoeld", "betekent", "houdt",
    "geldt", "staat", "doet", "deed", "noemt", "gaat", "krijgt", "ik", "mijn", "we", "ons", "onze",
}


#: Where a set named without a path lives when it is not one of ``SETS``.
QUESTIONS_DIR = REPO / "bench" / "questions"


def load(names: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The named sets that exist (``dev``, ``dev2``, ``heldout``, the name of a file in
    ``bench/questions`` without ``.jsonl``, or paths)."""
    out = {}
    for name in names:
        path = SETS.get(name) or (QUESTIONS_DIR / f"{name}.jsonl" if "/" not in name and not name.endswith(".jsonl")
                                  else Path(name))
        if path.is_file():
            out[name if name in SETS else path.stem] = _eval.load_questions(path)
    return out


def is_keyword(question: str) -> bool:
    return "?" not in question and len(question.split()) <= 5


def typed_keywords(sets: dict[str, list[dict]]) -> list[dict]:
    """The keyword queries as the sets hold them."""
    return [q for qs in sets.values() for q in qs if is_keyword(q["question"])]


def derived_keywords(sets: dict[str, list[dict]], document_frequency) -> list[dict]:
    """Each (non-keyword) question reduced to its content words: stopwords and question
    words dropped, the five rarest kept in their order (``document_frequency(word)``)."""
    from kennis.text import fold, stopwords

    stops = stopwords() | _QUESTION_WORDS
    out = []
    for qs in sets.values():
        for q in qs:
            if is_keyword(q["question"]):
                continue
            words = [w for w in _WORD.findall(q["question"]) if fold(w) not in stops and len(w) > 1]
            words = list(dict.fromkeys(words))
            if len(words) > 5:
                keep = set(sorted(words, key=lambda w: (document_frequency(w), words.index(w)))[:5])
                words = [w for w in words if w in keep]
            if len(words) >= 2:
                out.append({**q, "id": q["id"] + "-kw", "question": " ".join(words)})
    return out


def searcher_document_frequency(searcher):
    """Document frequency of a word's first term among the units of ``searcher`` (0 when unknown)."""
    retriever = searcher.bm25_units

    def df(word: str) -> float:
        terms = searcher.analyzer.terms(word)
        if not terms or terms[0] not in retriever.vocab_dict:
            return 0.0
        return float((retriever.get_scores([terms[0]]) > 0).sum())

    return df
