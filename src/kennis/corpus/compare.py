"""Reading aids over the structured corpus: compare editions, find where a provision is cited.

Front-ends (the Streamlit app, the API) call these and only format the result:

- :func:`compare_versions` aligns the sections of two versions (of one document or of two
  editions of a work, whose numbering shifts: § 5.3 of 2008 is § 4.2 of 2015) by heading
  and wording, and marks the word-level differences of each aligned pair.
- :func:`cited_from` lists the passages whose references point at a document or provision.
- :func:`mark_terms` splits a text into plain and matching pieces for highlighting query terms.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Literal, Sequence

from kennis.corpus.corpus import norm_ref, ref_within
from kennis.errors import NotFoundError
from kennis.text import fold
from kennis.models import ParsedVersion, Passage, Reference, Section, Selection, _Record

if TYPE_CHECKING:  # pragma: no cover
    from kennis.corpus import Corpus

Op = Literal["equal", "delete", "insert"]
Status = Literal["gelijk", "gewijzigd", "nieuw", "vervallen"]

#: Lowest alignment score at which two sections count as the same provision.
MATCH_THRESHOLD = 0.35
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment(_Record):
    """A run of text on one side of a diff: unchanged, removed (left) or added (right)."""

    op: Op
    text: str


@dataclass(frozen=True)
class SectionDiff(_Record):
    """Two aligned sections (either may be missing) with their marked differences."""

    status: Status
    left: Section | None
    right: Section | None
    left_segments: tuple[Segment, ...]
    right_segments: tuple[Segment, ...]
    similarity: float

    @property
    def changed(self) -> bool:
        return self.status != "gelijk"


@dataclass(frozen=True)
class Comparison(_Record):
    """Section-by-section comparison of two versions (``doc/version`` ids), left = older."""

    left: str
    right: str
    sections: tuple[SectionDiff, ...]

    def counts(self) -> dict[str, int]:
        out = {"gelijk": 0, "gewijzigd": 0, "nieuw": 0, "vervallen": 0}
        for s in self.sections:
            out[s.status] += 1
        return out


@dataclass(frozen=True)
class Citation(_Record):
    """A passage that cites a provision, with the reference as written."""

    passage: Passage
    reference: Reference


# --- text helpers ---------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(_WORD.findall(fold(text)))


def section_text(version: ParsedVersion, ref: str) -> str:
    """The section's own text (its sub-sections are sections of their own)."""
    wanted = norm_ref(ref)
    return "\n\n".join(p.text for p in version.passages if norm_ref(p.ref) == wanted)


def diff_words(left: str, right: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...], float]:
    """Word-level diff: (left segments with deletions, right segments with insertions, ratio)."""
    a, b = _TOKEN.findall(left), _TOKEN.findall(right)
    # autojunk would treat frequent words as junk and give ragged diffs on long sections
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    lsegs: list[Segment] = []
    rsegs: list[Segment] = []
    for tag, i1, i2, j1, j2 in _semantic_cleanup(matcher.get_opcodes(), a):
        if tag == "equal":
            _push(lsegs, "equal", a[i1:i2])
            _push(rsegs, "equal", b[j1:j2])
        else:
            _push(lsegs, "delete", a[i1:i2])
            _push(rsegs, "insert", b[j1:j2])
    ratio = matcher.ratio() if (a or b) else 1.0
    return tuple(lsegs), tuple(rsegs), ratio


#: Unchanged runs of fewer words than this between two changes are shown as changed.
_MIN_EQUAL_WORDS = 3


def _semantic_cleanup(opcodes: Sequence[tuple[str, int, int, int, int]], a: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """Fold short unchanged runs ("van", "de") between changes into the change around them.

    In a rewritten paragraph a word diff matches scattered common words; marking them as
    unchanged chops the text into confetti. Readers want whole changed phrases.
    """
    out: list[tuple[str, int, int, int, int]] = []
    for k, op in enumerate(opcodes):
        tag, i1, i2, j1, j2 = op
        between = 0 < k < len(opcodes) - 1
        words = sum(1 for t in a[i1:i2] if t.strip())
        if tag == "equal" and between and words < _MIN_EQUAL_WORDS:
            tag = "replace"
        if out and tag != "equal" and out[-1][0] != "equal":
            _, pi1, _, pj1, _ = out[-1]
            out[-1] = ("replace", pi1, i2, pj1, j2)
        else:
            out.append((tag, i1, i2, j1, j2))
    return out


def _push(out: list[Segment], op: Op, tokens: Sequence[str]) -> None:
    text = "".join(tokens)
    if not text:
        return
    if op != "equal" and not text.strip():
        op = "equal"  # a changed run of whitespace only is not worth marking
    if out and out[-1].op == op:
        out[-1] = Segment(op, out[-1].text + text)
    else:
        out.append(Segment(op, text))


# --- alignment ------------------------------------------------------------------------------


def _score(a: Section, ta: set[str], b: Section, tb: set[str]) -> float:
    heading = difflib.SequenceMatcher(None, fold(a.heading), fold(b.heading)).ratio()
    if ta or tb:
        text = len(ta & tb) / max(1, len(ta | tb))
        score = 0.45 * heading + 0.55 * text
    else:
        score = heading
    if a.number and a.number == b.number:
        score += 0.05
    if a.level == b.level:
        score += 0.03
    return score


def align_sections(left: ParsedVersion, right: ParsedVersion) -> list[tuple[Section | None, Section | None, float]]:
    """Pair each section of ``left`` with its counterpart in ``right`` (greedy, best score first).

    Returned in reading order of ``left``; sections only in ``right`` are placed after the
    pair that precedes them in ``right``.
    """
    lwords = {s.ref: _words(section_text(left, s.ref)) for s in left.sections}
    rwords = {s.ref: _words(section_text(right, s.ref)) for s in right.sections}
    scored = []
    for a in left.sections:
        for b in right.sections:
            s = _score(a, lwords[a.ref], b, rwords[b.ref])
            if s >= MATCH_THRESHOLD:
                scored.append((s, a.order, b.order, a, b))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    match: dict[str, tuple[Section, float]] = {}
    taken: set[str] = set()
    for s, _, _, a, b in scored:
        if a.ref in match or b.ref in taken:
            continue
        match[a.ref] = (b, s)
        taken.add(b.ref)
    pairs: list[tuple[Section | None, Section | None, float]] = [
        (a, match[a.ref][0], match[a.ref][1]) if a.ref in match else (a, None, 0.0) for a in left.sections
    ]
    for b in right.sections:
        if b.ref in taken:
            continue
        # after the last pair whose right section comes before b (or at the start)
        at = 0
        for i, (_, rb, _) in enumerate(pairs):
            if rb is not None and rb.order < b.order:
                at = i + 1
        pairs.insert(at, (None, b, 0.0))
    return pairs


def compare_versions(
    corpus: "Corpus",
    left: tuple[str, str | None],
    right: tuple[str, str | None],
    ref: str | None = None,
) -> Comparison:
    """Compare two versions section by section; ``left``/``right`` are ``(doc, version or None)``.

    ``ref`` limits the comparison to one section of the left version (with its sub-sections)
    and whatever it is aligned with on the right; without it, the whole texts are compared.
    """
    lv = corpus.version_for(left[0], left[1])
    rv = corpus.version_for(right[0], right[1])
    pairs = align_sections(lv, rv)
    if ref is not None:
        if not any(ref_within(s.ref, ref) for s in lv.sections):
            raise NotFoundError(f"{lv.doc} {lv.version} has no section {ref!r}")
        pairs = [p for p in pairs if p[0] is not None and ref_within(p[0].ref, ref)]
    out = []
    for a, b, score in pairs:
        ta = section_text(lv, a.ref) if a else ""
        tb = section_text(rv, b.ref) if b else ""
        if a is None:
            out.append(SectionDiff("nieuw", None, b, (), (Segment("insert", tb),) if tb else (), 0.0))
            continue
        if b is None:
            out.append(SectionDiff("vervallen", a, None, (Segment("delete", ta),) if ta else (), (), 0.0))
            continue
        lsegs, rsegs, ratio = diff_words(ta, tb)
        same = ta == tb and fold(a.heading) == fold(b.heading)
        out.append(SectionDiff("gelijk" if same else "gewijzigd", a, b, lsegs, rsegs, round(ratio, 3)))
    return Comparison(left=lv.id, right=rv.id, sections=tuple(out))


def editions_with_text(corpus: "Corpus", doc: str) -> list[tuple[str, str]]:
    """Every ``(doc, version)`` held of the work ``doc`` belongs to (or of ``doc`` alone), oldest first."""
    manifest = corpus.manifest
    info = manifest.document(doc)
    docs = manifest.editions(info.work) if info.work else [info]
    return [(d.id, v.version) for d in docs for v in d.versions]


# --- citations ------------------------------------------------------------------------------


def cited_from(
    corpus: "Corpus", doc: str, ref: str | None = None, selection: Selection | None = None
) -> list[Citation]:
    """Passages that cite ``doc`` (or its provision ``ref``, members included), in corpus order.

    With ``selection`` only the versions it selects are searched; the unit's own passages
    are left out (a provision does not cite itself).
    """
    corpus.manifest.document(doc)  # NotFoundError for an unknown document
    out: list[Citation] = []
    for p in corpus.passages(selection):
        if p.doc == doc and ref is not None and ref_within(p.ref, ref):
            continue
        for r in p.references:
            if r.target_doc != doc:
                continue
            if ref is not None and (r.target_ref is None or not ref_within(r.target_ref, ref)):
                continue
            out.append(Citation(p, r))
            break
    return out


# --- highlighting ---------------------------------------------------------------------------

#: Words too common to highlight on their own.
_STOP = frozenset(
    "de het een en in van op te is dat die der den voor met als aan bij om of wie wat welke waar hoe "
    "wordt worden zijn er door over naar dan ook niet nog tot".split()
)


def query_terms(query: str) -> list[str]:
    """Folded words of a query worth highlighting (no stop words, at least 2 letters)."""
    seen: list[str] = []
    for w in _WORD.findall(fold(query)):
        if len(w) >= 2 and w not in _STOP and w not in seen:
            seen.append(w)
    return seen


def mark_terms(text: str, query: str | Iterable[str]) -> list[tuple[str, bool]]:
    """Split ``text`` into ``(piece, is_match)``; a word matches when it starts with a query term.

    Prefix matching catches Dutch inflection and compounds (``beveilig`` → ``beveiliging``)
    without a stemmer; accents and case are ignored.
    """
    terms = query_terms(query) if isinstance(query, str) else [fold(t) for t in query if t]
    if not terms or not text:
        return [(text, False)] if text else []
    # compare on a folded copy of the same length, so offsets carry over to the original
    folded = "".join(fold(c)[:1] or c for c in text)
    pieces: list[tuple[str, bool]] = []
    last = 0
    for m in _WORD.finditer(folded):
        word = m.group(0)
        if any(word.startswith(t) or (len(t) >= 5 and t.startswith(word) and len(word) >= 4) for t in terms):
            if m.start() > last:
                pieces.append((text[last:m.start()], False))
            pieces.append((text[m.start():m.end()], True))
            last = m.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces
