"""Dutch text handling shared by every layer: tokens, stems, stopwords, abbreviations, snippets.

Pure Python (PyStemmer is a small C extension) below the corpus: it imports nothing of kennis,
so corpus, graph, index, answer and curate all use it without depending on each other; nothing
here loads torch or faiss.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Iterable, Mapping, Sequence

# bm25s's Dutch list plus question and filler words that users type but that say
# nothing about which paragraph governs (``welke``, ``wanneer``, ``gebeurt``...).
_EXTRA_STOPWORDS = {
    "welke", "welk", "waar", "wanneer", "waarom", "waarin", "waarop", "waarvoor", "we", "wij",
    "mag", "mogen", "gebeurt", "bedoeld", "houdt", "eigen", "dan", "even", "zullen", "wel",
    "hierbij", "daarbij", "daarvan", "elk", "elke", "ieder", "iedere",
}

#: Words that are tokens: letters/digits, joined by dots or hyphens (``4.2``, ``e-mail``).
_WORD = re.compile(r"\w+(?:[.\-/]\w+)*", re.UNICODE)
#: Citation-like numbers: ``16``, ``4.2``, ``5.2.1``, ``172a``.
_NUMBERISH = re.compile(r"^\d+[a-z]?(?:\.\d+[a-z]?)*$")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Dutch stopwords (bm25s's list plus question words)."""
    return frozenset(_bm25s_dutch_stopwords()) | _EXTRA_STOPWORDS


def _bm25s_dutch_stopwords() -> tuple[str, ...]:
    """bm25s's Dutch list, read from its module file: importing the bm25s package would
    import scipy (0.3 s of every process that answers a question)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("bm25s")
    if spec is None or not spec.origin:  # pragma: no cover - bm25s is a dependency
        return ()
    module_spec = importlib.util.spec_from_file_location("_kennis_bm25s_stopwords",
                                                         Path(spec.origin).parent / "stopwords.py")
    if module_spec is None or module_spec.loader is None:  # pragma: no cover
        return ()
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return tuple(module.STOPWORDS_DUTCH)


@lru_cache(maxsize=1)
def _stemmer():
    # The classic Snowball Dutch (Porter) stemmer: PyStemmer's newer "dutch" algorithm
    # strips prefixes and conflates unrelated words (gezag → zag, eenheden → een,
    # enige → een), which measurably hurt retrieval here.
    import Stemmer

    return Stemmer.Stemmer("dutch_porter")


def stem(word: str) -> str:
    """The Dutch stem of one folded word (the stemmer every part of kennis shares)."""
    return _stemmer().stemWord(word)


def fold(text: str) -> str:
    """Lower case without diacritics (``coördinator`` → ``coordinator``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def is_abbreviation_form(word: str) -> bool:
    """Looks like an abbreviation as written: two or more capitals (``HOvJ``, ``KMar``, ``OM``)."""
    return sum(c.isupper() for c in word) >= 2 and len(word) <= 12


def is_abbreviation(term: str) -> bool:
    """A curated label or alternative label that is an abbreviation (``DI``, ``OM``, ``HOvJ``,
    ``KMar``, ``BVA's``): two or more capitals, or a short term with one. Such terms are matched
    case-sensitively so that "di" or "om" in running text never link."""
    letters = [c for c in term if c.isalpha()]
    return sum(c.isupper() for c in letters) >= 2 or (len(term) <= 4 and any(c.isupper() for c in letters))


class Analyzer:
    """Turns text into index terms: folded, stemmed words without stopwords.

    - Abbreviations (known ones, or words written with two or more capitals) are kept
      whole and never dropped as stopwords, so ``OM`` stays findable although ``om`` is a
      stopword.
    - Citation numbers (``16``, ``4.2``, ``172a``) are kept whole.
    - With a ``vocabulary`` (the folded words of the corpus), Dutch compounds are also
      indexed by their parts (``persoonsbeveiliging`` → ``persoonsbeveiliging``, ``persoon``,
      ``beveiliging``), and a plural ``-s`` is dropped when the singular is a corpus word
      (``niveaus`` → ``niveau``), so questions and texts that word things differently meet.
    """

    def __init__(self, abbreviations: Iterable[str] = (), vocabulary: Iterable[str] = ()) -> None:
        self.abbreviations = frozenset(abbreviations)
        self.vocabulary = frozenset(vocabulary)
        self._cache: dict[str, tuple[str, ...]] = {}
        self._word_cache: dict[str, str | None] = {}

    def _word_terms(self, word: str) -> tuple[str, ...]:
        got = self._cache.get(word)
        if got is not None:
            return got
        stem = _stemmer().stemWord
        base = word
        if self.vocabulary and len(word) >= 5 and word.endswith("s") and word[:-1] in self.vocabulary:
            base = word[:-1]
        out = [stem(base)]
        if self.vocabulary:
            out.extend(stem(p) for p in self._split(base, depth=2))
        result = tuple(dict.fromkeys(out))
        if len(self._cache) < 200_000:
            self._cache[word] = result
        return result

    def _split(self, word: str, depth: int) -> list[str]:
        """Parts of a compound whose pieces are corpus words (longest head first)."""
        if depth == 0 or len(word) < 9:
            return []
        vocab = self.vocabulary
        for i in range(4, len(word) - 3):
            left, right = word[:i], word[i:]
            if right not in vocab and not (right.endswith("s") and right[:-1] in vocab):
                continue
            for cand in (left, left[:-1] if left.endswith("s") else None,
                         left[:-2] if left.endswith("en") else None):
                if cand and len(cand) >= 4 and cand in vocab and cand not in stopwords():
                    return [cand, right, *self._split(right, depth - 1)]
        return []

    def word_term(self, word: str) -> str | None:
        """The first index term of one word as written (cached; used to highlight snippets)."""
        if word in self._word_cache:
            return self._word_cache[word]
        terms = self.terms(word)
        got = terms[0] if terms else None
        if len(self._word_cache) < 200_000:
            self._word_cache[word] = got
        return got

    def terms(self, text: str) -> list[str]:
        out: list[str] = []
        stops = stopwords()
        for m in _WORD.finditer(text):
            raw = m.group(0)
            word = fold(raw)
            if not word:
                continue
            if is_abbreviation_form(raw) or (word in self.abbreviations and word not in stops):
                out.append(word)
                continue
            if _NUMBERISH.match(word):
                out.append(word)
                continue
            if word in stops or len(word) < 2:
                continue
            if "-" in word or "/" in word:
                # Hyphenated compounds: index the parts too (``politie-eenheid``).
                for part in re.split(r"[-/]", word):
                    if part and part not in stops:
                        out.extend(self._word_terms(part))
                continue
            out.extend(self._word_terms(word))
        return out


class Speller:
    """Corrects the commonest typos of a long word: one letter left out (``beveilging``)
    or two neighbouring letters swapped, to words of the corpus vocabulary.

    Only words of :data:`MIN_TYPO_LEN` letters or more that the corpus does not hold are
    corrected, and only to corpus words one such slip away, so a rare but correct word
    (``dierproeven``) is left alone and a short one never turns into another word.
    """

    MIN_TYPO_LEN = 7

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.vocabulary = frozenset(vocabulary)
        self._dropped: dict[str, list[str]] = {}
        for w in self.vocabulary:
            if len(w) > self.MIN_TYPO_LEN:
                # Never the last letter: a word one ending short is another inflection
                # (``bedoeld`` / ``bedoelde``), not a typo.
                for i in range(len(w) - 1):
                    self._dropped.setdefault(w[:i] + w[i + 1:], []).append(w)

    def correct(self, word: str) -> list[str]:
        """Corpus words ``word`` is a slip of (none when it is a corpus word or short)."""
        w = fold(word)
        if len(w) < self.MIN_TYPO_LEN or w in self.vocabulary or w in stopwords() or not w.isalpha():
            return []
        out = set(self._dropped.get(w, ()))
        for i in range(len(w) - 2):
            swapped = w[:i] + w[i + 1] + w[i] + w[i + 2:]
            if swapped != w and swapped in self.vocabulary:
                out.add(swapped)
        return sorted(out)


def plain_short_words(texts: Iterable[str]) -> set[str]:
    """Words of at most three letters that the texts write in lower case."""
    return {m.group(0) for text in texts for m in re.finditer(r"(?<!\w)[a-zà-ÿ]{1,3}(?!\w)", text)}


def vocabulary_of(texts: Iterable[str], min_count: int = 2) -> set[str]:
    """Folded words (4+ letters, no digits) occurring at least ``min_count`` times."""
    counts: dict[str, int] = {}
    for text in texts:
        for m in re.finditer(r"[^\W\d_]{4,}", text):
            w = fold(m.group(0))
            counts[w] = counts.get(w, 0) + 1
    return {w for w, c in counts.items() if c >= min_count and w not in stopwords()}


# --- abbreviations -----------------------------------------------------------------------

_TABLE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")
_ABBR_TOKEN = re.compile(r"^[A-Za-zÀ-ÿ0-9][\wÀ-ÿ.&/'\-]{0,14}$")
_LINK_WORDS = {"van", "de", "het", "en", "voor", "der", "op"}
_PAREN_DEF = re.compile(
    r"((?:[A-ZÀ-Ý][\wÀ-ÿ\-]*|van|de|het|en|voor|der|op)(?:\s+(?:[\wÀ-ÿ\-]+)){0,7})\s+\(([A-Za-z][A-Za-z0-9&\-]{1,10})\)"
)


def _looks_like_abbreviation(token: str) -> bool:
    token = token.strip()
    if re.fullmatch(r"[A-Z][A-Za-z]{1,8} \d{4}", token):  # ``WIV 2002``
        return True
    if not _ABBR_TOKEN.match(token) or " " in token:
        return False
    return sum(c.isupper() for c in token) >= 2 or (token.isupper() and len(token) >= 2)


def table_abbreviations(text: str) -> dict[str, str]:
    """Two-column pipe-table rows ``| ABBR | meaning |`` whose first cell looks like an abbreviation."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        m = _TABLE_ROW.match(line)
        if not m:
            continue
        cells = [c.strip() for c in m.group(1).split("|")]
        cells = [c for c in cells if c != ""]
        if len(cells) != 2 or any(_SEPARATOR_CELL.match(c) for c in cells):
            continue
        abbr, meaning = cells
        abbr = abbr.strip("*_ ")
        meaning = re.sub(r"\s+", " ", meaning.strip("*_ "))
        # A meaning is longer than its abbreviation (``| 1 | Licht |`` is no definition).
        if _looks_like_abbreviation(abbr) and len(meaning) > len(abbr) + 2:
            found.setdefault(abbr, meaning)
    return found


def is_glossary(text: str) -> bool:
    """A passage that is (mostly) a list of abbreviations with their meanings."""
    lines = [l for l in text.splitlines() if l.strip()]
    return len(lines) >= 3 and len(table_abbreviations(text)) >= 0.6 * len(lines)


def parenthetical_abbreviations(text: str) -> dict[str, str]:
    """``Centrale Stallingsdienst (CSD)``: the shortest run of words before the brackets
    whose content words start with the abbreviation's first two capitals, in order."""
    found: dict[str, str] = {}
    for m in _PAREN_DEF.finditer(text):
        phrase, abbr = m.group(1), m.group(2)
        capitals = [fold(c) for c in abbr if c.isupper()]
        if not _looks_like_abbreviation(abbr) or len(capitals) < 2:
            continue
        words = phrase.split()
        for start in range(len(words) - 1, -1, -1):
            initials = "".join(fold(w[0]) for w in words[start:] if w.lower() not in _LINK_WORDS)
            if initials[:1] == capitals[0] and initials.startswith("".join(capitals[:2])):
                found.setdefault(abbr, " ".join(words[start:]))
                break
    return found


@dataclass(frozen=True)
class Abbreviations:
    """Abbreviation → meaning, as the corpus states them.

    ``plain_words``: the short words (three letters at most) the corpus writes in lower
    case. A short abbreviation typed in lower case (``cbb``, ``ird``) counts as the
    abbreviation unless it is one of them (``om`` is a Dutch word); without the list only
    short abbreviations written as such count.
    """

    entries: Mapping[str, str]
    plain_words: frozenset[str] = frozenset()

    @classmethod
    def from_texts(cls, tables: Iterable[str], prose: Iterable[str] = ()) -> "Abbreviations":
        """Tables (the circulaire's list of abbreviations) win over definitions in prose."""
        entries: dict[str, str] = {}
        for text in tables:
            for k, v in table_abbreviations(text).items():
                entries.setdefault(k, v)
        for text in prose:
            for k, v in parenthetical_abbreviations(text).items():
                entries.setdefault(k, v)
        return cls(entries)

    @cached_property
    def folded(self) -> dict[str, str]:
        """Folded abbreviation → meaning; ambiguous folded keys keep the first."""
        out: dict[str, str] = {}
        for k, v in self.entries.items():
            out.setdefault(fold(k), v)
        return out

    def lower_case_short(self, raw: str) -> bool:
        """A short word typed in lower case that is no word of the corpus (see the class)."""
        return bool(self.plain_words) and len(raw) <= 3 and raw.islower() and raw not in self.plain_words \
            and raw not in stopwords() and fold(raw) in self.folded

    @cached_property
    def _meaning_patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        # Folded and compiled once: every query is matched against all meanings.
        out = []
        for k, v in self.entries.items():
            mv = fold(v)
            if len(mv) >= 6:
                out.append((k, re.compile(r"\b" + re.escape(mv) + r"\b")))
        return out

    def expand(self, text: str, *, case_sensitive_short: bool = True) -> list[str]:
        """Meanings of the abbreviations that occur in ``text`` (each once, in order).

        Short abbreviations (≤ 3 letters) only count when written as such (``OM``, ``DI``),
        so the Dutch words ``om`` and ``di`` are not expanded; longer ones in any case
        (``hovj``, ``kmar``).
        """
        folded = self.folded
        exact = set(self.entries)
        seen: list[str] = []
        for m in _WORD.finditer(text):
            raw = m.group(0)
            meaning = None
            if raw in exact:
                meaning = self.entries[raw]
            elif len(raw) > 3 or not case_sensitive_short or self.lower_case_short(raw):
                key = fold(raw)
                if key in folded and key not in stopwords():
                    meaning = folded[key]
            if meaning and meaning not in seen:
                seen.append(meaning)
        return seen

    def inline(self, text: str) -> str:
        """``text`` with each abbreviation's meaning added in brackets at its first use
        (``de HOvJ`` → ``de HOvJ (Hoofdofficier van Justitie)``), same rules as :meth:`expand`."""
        folded = self.folded
        done: set[str] = set()
        out, pos = [], 0
        for m in _WORD.finditer(text):
            raw = m.group(0)
            meaning = None
            if raw in self.entries:
                meaning = self.entries[raw]
            elif (len(raw) > 3 or self.lower_case_short(raw)) and fold(raw) in folded and fold(raw) not in stopwords():
                meaning = folded[fold(raw)]
            if not meaning or meaning in done or fold(meaning) in fold(text[max(0, m.start() - 120):m.end() + 120]):
                continue
            done.add(meaning)
            out.append(text[pos : m.end()])
            out.append(f" ({meaning})")
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)

    def abbreviations_of(self, text: str) -> list[str]:
        """Abbreviations whose meaning is written out in ``text`` (the reverse direction)."""
        low = fold(text)
        return [k for k, rx in self._meaning_patterns if rx.search(low)]


# --- snippets ----------------------------------------------------------------------------


def snippet(text: str, query_terms: Sequence[str], analyzer: Analyzer, *, width: int = 240) -> str:
    """The window of ``text`` with most query terms, matching words marked ``**word**``."""
    wanted = set(query_terms)
    if not text:
        return ""
    words = list(_WORD.finditer(text))
    hits = [m for m in words if analyzer.word_term(m.group(0)) in wanted]
    start = 0
    if hits and len(text) > width:
        # Slide over hit positions and keep the window holding the most hits.
        best, best_n = hits[0].start(), 0
        for h in hits:
            s = max(0, h.start() - width // 4)
            n = sum(1 for x in hits if s <= x.start() < s + width)
            if n > best_n:
                best, best_n = s, n
        start = best
    end = min(len(text), start + width)
    if start > 0:
        sp = text.find(" ", start)
        start = sp + 1 if 0 <= sp < start + 30 else start
    if end < len(text):
        sp = text.rfind(" ", start, end)
        end = sp if sp > start + width // 2 else end
    hit_spans = {(m.start(), m.end()) for m in hits}
    out, pos = [], start
    for m in words:
        if m.start() < start or m.end() > end:
            continue
        if (m.start(), m.end()) in hit_spans:
            out.append(text[pos : m.start()])
            out.append(f"**{m.group(0)}**")
            pos = m.end()
    out.append(text[pos:end])
    body = re.sub(r"\s+", " ", "".join(out)).strip()
    return ("… " if start > 0 else "") + body + (" …" if end < len(text) else "")
