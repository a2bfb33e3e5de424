"""Entity linking: which actors, measures, products, domains a question (or text) mentions.

Labels and abbreviations come from the graph. Matching is on folded, stemmed words,
so case, diacritics and inflection (``burgemeesters``, ``hoofdofficieren``) do not
matter, and a small typo in a longer word is forgiven. Two-letter abbreviations (``DI``,
``DA``, ``OM``) only match as written in capitals, and so do three-letter ones that are
also ordinary words of the texts; ``ird`` or ``cbb`` typed in lower case still count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from kennis.text import fold, is_abbreviation_form, stem, stopwords

_WORD = re.compile(r"\w+(?:[.\-]\w+)*")


@dataclass(frozen=True)
class LexEntry:
    """One thing that can be mentioned, with every name it goes by."""

    iri: str
    label: str
    kind: str  # "actor", "concept", "domain", "document"...
    forms: tuple[str, ...]  # label, alternative labels, abbreviations


@dataclass(frozen=True)
class Mention:
    iri: str
    kind: str
    label: str
    surface: str
    start: int
    end: int
    exact: bool = True


def _norm(word: str) -> str:
    # the search analyzer's stemmer: one notion of "the same word" across kennis
    return stem(fold(word))


def _same_word(word: str, form: str) -> bool:
    """Are two words of one stem inflections of one word? The stemmer cuts *overige* and
    *overheid* to one stem; inflections (*burgemeesters*, *eenheden*) keep most of the word."""
    if word == form:
        return True
    n = next((i for i, (a, b) in enumerate(zip(word, form)) if a != b), min(len(word), len(form)))
    return n >= 0.7 * min(len(word), len(form))


def edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """Damerau–Levenshtein distance of ``a`` and ``b`` ≤ ``limit`` (small limits only)."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit


def _typo_budget(word: str) -> int:
    return 0 if len(word) < 6 else 1 if len(word) < 11 else 2


_BINS = 64


def _histogram(word: str) -> np.ndarray:
    """Character counts in hashed bins. One edit changes the counts by at most 2 in L1, and
    merging characters into bins only lowers the L1, so ``L1 > 2 * limit`` rules a pair out
    without computing its edit distance."""
    h = np.zeros(_BINS, dtype=np.int16)
    for ch in word:
        h[ord(ch) % _BINS] += 1
    return h


@dataclass(frozen=True)
class _Form:
    entry: LexEntry
    surface: str
    tokens: tuple[str, ...]  # stems
    folded: tuple[str, ...]  # folded words (for typo matching)
    case_sensitive: bool


class EntityLinker:
    """Finds lexicon entries in text; longest match wins, overlaps are resolved left to right."""

    def __init__(self, entries: Iterable[LexEntry], common_words: frozenset[str] = frozenset()) -> None:
        """``common_words``: folded words that occur in lower case in the texts; a short
        abbreviation that is also such a word ("om") only matches as written ("OM")."""
        self.entries = {e.iri: e for e in entries}
        self._by_first: dict[str, list[_Form]] = {}
        self._forms: list[_Form] = []
        stops = stopwords()
        for e in self.entries.values():
            for surface in dict.fromkeys(e.forms):
                words = _WORD.findall(surface)
                if not words:
                    continue
                folded = tuple(fold(w) for w in words)
                # a one-word form that is an ordinary word ("om", "di") or a short
                # abbreviation only counts as written
                short_abbr = (
                    len(words) == 1 and is_abbreviation_form(words[0]) and len(words[0]) <= 3
                    and (len(words[0]) <= 2 or folded[0] in stops or folded[0] in common_words)
                )
                if len(words) == 1 and folded[0] in stops and not is_abbreviation_form(words[0]):
                    continue
                form = _Form(e, surface, tuple(_norm(w) for w in words), folded, short_abbr)
                self._forms.append(form)
                self._by_first.setdefault(form.tokens[0], []).append(form)
        # Typo candidates for a word are looked up against every form; the bounds below
        # (length, character counts) skip the pairs that cannot be within the budget, and
        # each word's answer is remembered (the same words recur in every text linked).
        self._loose = [f for f in self._forms if not f.case_sensitive]
        self._loose_len = np.array([len(f.folded[0]) for f in self._loose], dtype=np.int16)
        self._loose_budget = np.array([_typo_budget(f.folded[0]) for f in self._loose], dtype=np.int16)
        self._loose_hist = (np.stack([_histogram(f.folded[0]) for f in self._loose]) if self._loose
                            else np.zeros((0, _BINS), dtype=np.int16))
        self._typo_memo: dict[str, tuple[_Form, ...]] = {}

    def _typo_forms(self, word: str) -> list[_Form]:
        """The forms (not case-sensitive) whose first word is within its typo budget of ``word``."""
        hit = self._typo_memo.get(word)
        if hit is None:
            possible = (np.abs(self._loose_len - len(word)) <= self._loose_budget) & (
                np.abs(self._loose_hist - _histogram(word)).sum(axis=1) <= 2 * self._loose_budget)
            hit = tuple(f for f, ok in zip(self._loose, possible.tolist())
                        if ok and edit_distance_at_most(word, f.folded[0], _typo_budget(f.folded[0])))
            if len(self._typo_memo) > 100_000:
                self._typo_memo.clear()
            self._typo_memo[word] = hit
        return list(hit)

    def link(self, text: str) -> list[Mention]:
        stops = stopwords()
        words = list(_WORD.finditer(text))
        stems = [_norm(m.group(0)) for m in words]
        folded = [fold(m.group(0)) for m in words]
        candidates: list[tuple[int, int, bool, _Form]] = []  # (start index, length, exact, form)
        for i in range(len(words)):
            forms = list(self._by_first.get(stems[i], ()))
            exact_first = True
            if not forms and _typo_budget(folded[i]):
                forms = self._typo_forms(folded[i])
                exact_first = False
            for f in forms:
                n = len(f.tokens)
                if i + n > len(words):
                    continue
                if f.case_sensitive and words[i].group(0) != f.surface:
                    continue
                # a stopword only matches itself: the stem of "eenheid" is "een"
                if folded[i] in stops and folded[i] != f.folded[0]:
                    continue
                if exact_first and not _same_word(folded[i], f.folded[0]):
                    continue
                ok, exact = True, exact_first
                for j in range(1, n):
                    if stems[i + j] == f.tokens[j] and (folded[i + j] not in stops or folded[i + j] == f.folded[j]):
                        continue
                    budget = _typo_budget(f.folded[j])
                    if budget and edit_distance_at_most(folded[i + j], f.folded[j], budget):
                        exact = False
                        continue
                    ok = False
                    break
                if ok:
                    candidates.append((i, n, exact, f))
        # longest first, then exact before fuzzy, then leftmost
        candidates.sort(key=lambda c: (-c[1], not c[2], c[0]))
        taken: set[int] = set()
        mentions: list[Mention] = []
        for i, n, exact, f in candidates:
            span = set(range(i, i + n))
            if span & taken:
                continue
            taken |= span
            mentions.append(
                Mention(f.entry.iri, f.entry.kind, f.entry.label, text[words[i].start(): words[i + n - 1].end()],
                        words[i].start(), words[i + n - 1].end(), exact)
            )
        mentions.sort(key=lambda m: m.start)
        return mentions
