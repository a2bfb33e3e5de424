"""Sentences of one edition found in another: the alignment behind carry and changes.

Sections are aligned by :func:`kennis.corpus.compare.align_sections` (heading and wording, the
same aligner the document comparison shows). A quote of the older edition is then
matched against every sentence of the newer one by its content words (Dutch stems,
weighted by how rare they are in the two texts), with a preference for the sentences of
the section its own section was aligned with: a sentence that moved to another chapter
is still found, and of two equally good candidates the one where the section went wins.
Every sentence is a verbatim substring of its passage, so a found sentence can serve as a
curated quote.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Literal

from kennis.corpus.compare import align_sections
from kennis.corpus.corpus import norm_ref
from kennis.text import fold, is_glossary, stem, stopwords
from kennis.models import ParsedVersion

CarryStatus = Literal["same", "reworded", "moved", "gone"]

#: A target sentence below this similarity does not state the quote: the statement is gone.
MIN_SIMILARITY = 0.4
#: Added to the similarity of sentences in the section that the quote's section aligns with.
SECTION_BONUS = 0.08
#: How much more the coverage of the quote counts than the precision (F-beta's beta).
COVERAGE_BETA = 1.5

_WORD = re.compile(r"\w+", re.UNICODE)
# a sentence ends at . ! ? or ; followed by space and something that starts a sentence,
# or at a line break (list items, table rows)
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-Z0-9‘“\"'(•*\-]|[a-z]\.)|\n+")
_BULLET = re.compile(r"^(?:[*•\-–]|\d+[.)]|[a-z][.)])\s+")


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, each a verbatim substring of it (list bullets left off)."""
    out = []
    for piece in _SENTENCE_END.split(text):
        s = _BULLET.sub("", piece.strip()).strip()
        if len(_WORD.findall(s)) >= 3:
            out.append(s)
    return out


def content_terms(text: str) -> list[str]:
    """Stems of the content words of ``text`` (no stopwords, no one-letter words)."""
    stops = stopwords()
    out = []
    for w in _WORD.findall(fold(text)):
        if len(w) > 1 and w not in stops:
            out.append(stem(w))
    return out


def same_words(a: str, b: str) -> bool:
    """One text contains the other word for word (case, accents and spacing aside).

    A near-identical ratio is not enough: "onder voorzitterschap van de CBB" and "… van
    DB3" differ by one actor and are nearly the same string.
    """
    fa, fb = " ".join(fold(a).split()), " ".join(fold(b).split())
    return fa in fb or fb in fa


def wording(a: str, b: str) -> float:
    """How alike two sentences are written (0..1, character level, case and accents ignored)."""
    fa, fb = " ".join(fold(a).split()), " ".join(fold(b).split())
    if fa == fb:
        return 1.0
    return difflib.SequenceMatcher(None, fa, fb, autojunk=False).ratio()


@dataclass(frozen=True)
class Sentence:
    """A sentence of a version, where it stands and its content words."""

    text: str
    passage: str  # passage id
    ref: str
    order: int
    terms: frozenset[str]


@dataclass(frozen=True)
class Located:
    """Where the target edition states a quote: its sentence and how alike the two are."""

    sentence: Sentence
    similarity: float  # content similarity of quote and sentence, 0..1
    wording: float  # character similarity, 0..1
    in_aligned_section: bool


def version_sentences(version: ParsedVersion) -> list[Sentence]:
    """Every sentence of every passage (footnotes included) of ``version``, in reading order."""
    out: list[Sentence] = []
    for p in version.passages:
        if is_glossary(p.text):
            continue  # a list of abbreviations names everyone and states nothing
        texts = [p.text, *(fn.text for fn in p.footnotes)]
        for text in texts:
            for s in sentences(text):
                out.append(Sentence(s, p.id, p.ref, len(out), frozenset(content_terms(s))))
    return out


class EditionAligner:
    """Finds the sentences of ``target`` that state the quotes of ``source``.

    ``source`` and ``target`` are two versions (of one document or of two editions of a
    work); build one aligner per pair and call :meth:`locate` for every quote.
    """

    def __init__(self, source: ParsedVersion, target: ParsedVersion) -> None:
        self.source = source
        self.target = target
        self.section_map: dict[str, str] = {
            norm_ref(a.ref): b.ref for a, b, _ in align_sections(source, target) if a is not None and b is not None
        }
        self.sentences = version_sentences(target)
        df: Counter[str] = Counter()
        source_sentences = version_sentences(source)
        for s in (*self.sentences, *source_sentences):
            df.update(s.terms)
        n = len(self.sentences) + len(source_sentences)
        self._idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self._idf_unseen = math.log(1 + n)
        self._by_term: dict[str, list[int]] = {}
        for i, s in enumerate(self.sentences):
            for t in s.terms:
                self._by_term.setdefault(t, []).append(i)

    def _weight(self, terms: Iterable[str]) -> float:
        return sum(self._idf.get(t, self._idf_unseen) for t in terms)

    def similarity(self, quote: frozenset[str], sentence: frozenset[str]) -> float:
        """Weighted F-measure of the content words, coverage of the quote counting more.

        Curated quotes are often the part of a sentence that states the competence; the
        newer edition's sentence may add a clause without stating anything else.
        """
        common = self._weight(quote & sentence)
        if not common:
            return 0.0
        recall, precision = common / self._weight(quote), common / self._weight(sentence)
        b2 = COVERAGE_BETA ** 2
        return (1 + b2) * precision * recall / (b2 * precision + recall)

    def aligned_section(self, ref: str) -> str | None:
        """The target section that ``ref`` of the source aligns with, walking up to a parent."""
        by_ref = {norm_ref(s.ref): s for s in self.source.sections}
        key = norm_ref(ref)
        while key:
            if key in self.section_map:
                return self.section_map[key]
            sec = by_ref.get(key)
            key = norm_ref(sec.parent_ref) if sec is not None and sec.parent_ref else ""
        return None

    def candidates(self, quote: str, ref: str, k: int = 5) -> list[Located]:
        """The ``k`` best target sentences for ``quote`` (of section ``ref``), best first."""
        terms = frozenset(content_terms(quote))
        if not terms:
            return []
        aligned = self.aligned_section(ref)
        aligned_key = norm_ref(aligned) if aligned is not None else None
        pool: set[int] = set()
        for t in terms:
            pool.update(self._by_term.get(t, ()))
        scored = []
        for i in pool:
            s = self.sentences[i]
            sim = self.similarity(terms, s.terms)
            in_aligned = aligned_key is not None and norm_ref(s.ref) == aligned_key
            scored.append((sim + (SECTION_BONUS if in_aligned else 0.0), sim, in_aligned, i))
        scored.sort(key=lambda x: (-x[0], x[3]))
        out = []
        for _, sim, in_aligned, i in scored[:k]:
            s = self.sentences[i]
            out.append(Located(s, round(sim, 3), round(wording(quote, s.text), 3), in_aligned))
        return out

    def locate(self, quote: str, ref: str) -> Located | None:
        """The target sentence that states ``quote``, or ``None`` when none is alike enough."""
        best = self.candidates(quote, ref, k=1)
        if not best or best[0].similarity < MIN_SIMILARITY:
            return None
        return best[0]


def carry_status(from_ref: str, quote: str, found: Located | None) -> CarryStatus:
    """``same`` (same ref, same words), ``reworded`` (same ref), ``moved`` (other ref) or ``gone``."""
    if found is None:
        return "gone"
    if norm_ref(found.sentence.ref) != norm_ref(from_ref):
        return "moved"
    return "same" if same_words(quote, found.sentence.text) else "reworded"
