"""Cross-references: what a passage cites, from link targets and from plain text.

Plain-text citations are recognised as an article mention (``artikel 16``, ``artikel 6,
tweede lid``, ``artikel 43, lid 2``) followed (or preceded, as in ``Gemeentewet artikel
172``) by the name of a regulation; names come from the manifest (title and short title,
with and without their year). In a law, an article mention without a name cites the law
itself. An enumeration (``Politiewet 2012: artikelen 1, 3, 4, 17, en 56-64``, ``artikelen 6,
tweede lid, sub e, 6a en 62``) cites every article it lists, a range every article in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Iterator, Mapping

from kennis.corpus.inline import normalise_space
from kennis.models import DocumentInfo, Passage, Reference

ORDINALS = {
    "eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5,
    "zesde": 6, "zevende": 7, "achtste": 8, "negende": 9, "tiende": 10,
}
#: A member after an article number: *lid 2*, *tweede lid*.
_LID = r"(?:,?\s*(?:lid\s+(?P<lid>\d+)|(?P<ord>" + "|".join(ORDINALS) + r")\s+lid))?"
_ARTICLE = re.compile(r"\b[Aa]rt(?:ikel(?:en)?|\.)\s+(?P<art>\d+[a-z]*(?::\d+[a-z]*)?)" + _LID)
#: The rest of an enumeration after ``artikelen N``: more numbers joined by commas, *en*,
#: *of*, ranges (``56-64``, ``226g t/m 226k``), with a member or a sub-item after a number.
_MEMBER = (r"(?:,?\s*(?:lid\s+\d+|(?:" + "|".join(ORDINALS) + r")\s+lid))?"
           r"(?:,?\s*(?:sub|onder)\s+\w\b)?")
_LIST_TAIL = re.compile(
    r"(?:" + _MEMBER + r"(?:\s*,\s*(?:en\s+|of\s+)?|\s+(?:en|of)\s+|\s*(?:-|–|t/m|tot en met)\s*)\d+[a-z]*(?::\d+[a-z]*)?)+"
)
_LIST_ITEM = re.compile(r"(?P<sep>-|–|t/m|tot en met)?\s*(?P<art>\d+[a-z]*(?::\d+[a-z]*)?)" + _LID)
#: Longest range expanded into its articles (``56-64``); a longer one is read as its ends.
_MAX_RANGE = 40
_YEAR = re.compile(r"\s+(\d{4})$")
#: How far after (or before) an article mention the name of its regulation may stand.
_WINDOW_AFTER = 90
_WINDOW_BEFORE = 40
#: Where the sentence of a mention ends (a name after it belongs to the next one).
_SENTENCE_END = re.compile(r"(?<=[a-z)])\.\s|(?:(?<=\d)|^)\.\s+(?=[A-Z])|;")
#: How much further back a name that ends inside that window may start.
_LONGEST_NAME = 80
LAW_KINDS = ("wet", "amvb", "regeling", "besluit")
_OTHER_REGULATION = re.compile(
    r"\b[A-Z][a-z]*(?:wet|besluit|regeling|instructie)\b|\bWet(?:boek)?\s+(?:op|van|tot|inzake|houdende)\b"
)


#: A member of an article (``artikel 16 lid 1``): it counts for the article.
_MEMBER_REF = re.compile(r"^(artikel\s+\S+)\s+lid\s+\S+$", re.IGNORECASE)


def unit_ref(ref: str) -> str:
    """The citation unit a ref counts for: an article's members count for the article."""
    m = _MEMBER_REF.match(ref.strip())
    return m.group(1) if m else ref


def cited_units(passages: Iterable[Passage], documents: Mapping[str, DocumentInfo]) -> dict[tuple[str, str], set[str]]:
    """(law, unit) → the versions of the other texts (circulaires, the OM Aanwijzing) whose
    passages cite it: the articles a legal-basis question looks for are among those."""
    out: dict[tuple[str, str], set[str]] = {}
    for p in passages:
        info = documents.get(p.doc)
        if info is not None and info.kind in LAW_KINDS:
            continue
        for r in p.references:
            if r.target_doc and r.target_ref:
                out.setdefault((r.target_doc, unit_ref(r.target_ref)), set()).add(f"{p.doc}/{p.version}")
    return out


def _article_ref(m: re.Match[str]) -> str:
    """``artikel N`` (with ``lid M`` when the match names a member) of an article match."""
    lid = m.group("lid") or (str(ORDINALS[m.group("ord")]) if m.group("ord") else None)
    return f"artikel {m.group('art')}" + (f" lid {lid}" if lid else "")


def _listed(first: str, tail: str) -> list[str]:
    """The article refs the rest of an enumeration lists (``, 3, 4, en 56-64`` after ``1``)."""
    out: list[str] = []
    previous = first
    for m in _LIST_ITEM.finditer(tail):
        art = m.group("art")
        if m.group("sep") and previous.isdigit() and art.isdigit() and 0 < int(art) - int(previous) <= _MAX_RANGE:
            out += [f"artikel {n}" for n in range(int(previous) + 1, int(art))]
        out.append(_article_ref(m))
        previous = art
    return out


@dataclass(frozen=True)
class _Name:
    pattern: re.Pattern[str]
    doc: str
    year: str | None


class ReferenceResolver:
    """Finds citations in text and resolves them to documents of the manifest."""

    def __init__(self, documents: dict[str, DocumentInfo]) -> None:
        self.documents = documents
        names: list[_Name] = []
        for d in documents.values():
            if not d.versions or d.kind not in LAW_KINDS:
                continue
            for name in {d.title, d.short_title} - {""}:
                m = _YEAR.search(name)
                year = m.group(1) if m else None
                base = name[: m.start()] if m else name
                # "Politiewet" alone cites Politiewet 2012 only when no other year follows
                pat = re.compile(r"\b" + re.escape(base) + r"(?:\s+(?P<year>\d{4}))?\b", re.I)
                names.append(_Name(pat, d.id, year))
        names.sort(key=lambda n: -len(n.pattern.pattern))
        self._names = names

    def _names_in(self, text: str) -> Iterator[tuple[re.Match[str], str | None]]:
        """Each name of a regulation in ``text`` with its document (None when the year it
        carries is another edition's, one the corpus does not hold)."""
        for n in self._names:
            for m in n.pattern.finditer(text):
                year = m.group("year")
                yield m, (n.doc if (year is None or n.year is None or year == n.year) else None)

    def _name_in(self, text: str) -> tuple[str | None, bool]:
        """(document, found) for the first name in ``text``: found is True when a regulation is
        named, even one not held."""
        found = min(self._names_in(text), key=lambda x: x[0].start(), default=None)
        if found is None:
            # another regulation named, one the corpus does not hold
            return None, bool(_OTHER_REGULATION.search(text))
        return found[1], True

    def _name_before(self, text: str) -> tuple[str | None, bool]:
        """(document, found) for the last name that ends at most ``_WINDOW_BEFORE`` characters
        before the end of ``text`` (*Wet op de inlichtingen- en veiligheidsdiensten 2002: artikelen
        …*), however long the name."""
        found = max(((m, d) for m, d in self._names_in(text) if m.end() >= len(text) - _WINDOW_BEFORE),
                    key=lambda x: x[0].end(), default=None)
        if found is None:
            return None, bool(_OTHER_REGULATION.search(text[-_WINDOW_BEFORE:]))
        return found[1], True

    def find(self, text: str, own_doc: str) -> list[Reference]:
        """References made in plain text."""
        refs: list[Reference] = []
        own = self.documents.get(own_doc)
        for m in _ARTICLE.finditer(text):
            targets = [_article_ref(m)]
            end = m.end()
            tail = _LIST_TAIL.match(text, end) if m.group(0).lower().startswith("artikelen") else None
            if tail is not None:
                targets += _listed(m.group("art"), tail.group(0))
                end = tail.end()
            after = text[end: end + _WINDOW_AFTER]
            after = _SENTENCE_END.split(after)[0]
            doc, named = self._name_in(after)
            if not named:
                doc, named = self._name_before(text[max(0, m.start() - _WINDOW_BEFORE - _LONGEST_NAME): m.start()])
            if not named and own is not None and own.kind in LAW_KINDS:
                doc, named = own_doc, True
            if not named or doc is None:
                continue
            written = normalise_space(text[m.start(): end])
            refs += [Reference(text=written, target_doc=doc, target_ref=t, bwb_id=doc if doc.startswith("BWB") else None,
                               source="text") for t in dict.fromkeys(targets)]
        return refs

    def resolve_link(self, ref: Reference) -> Reference:
        """Give a link reference its corpus document and, from its text, the article."""
        target_doc = ref.bwb_id if ref.bwb_id in self.documents else None
        m = _ARTICLE.search(ref.text)
        target_ref = ref.target_ref  # the XML readers know the unit from the Juriconnect id
        if m and target_ref is None:
            target_ref = _article_ref(m)
        return replace(ref, target_doc=target_doc, target_ref=target_ref)

    def annotate(self, passage: Passage) -> Passage:
        """The passage with its link references resolved and its text references added."""
        links = [self.resolve_link(r) if r.source == "link" else r for r in passage.references]
        found = self.find(passage.text, passage.doc)
        seen = {(r.target_doc, r.target_ref) for r in links}
        extra = [r for r in found if (r.target_doc, r.target_ref) not in seen and not seen.add((r.target_doc, r.target_ref))]  # type: ignore[func-returns-value]
        return replace(passage, references=tuple(links + extra))
