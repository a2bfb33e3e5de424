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

from kennis.corpus.inline import normalise_space
from kennis.models import DocumentInfo, Passage, Reference

ORDINALS = {
    "eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5,
    "zesde": 6, "zevende": 7, "achtste": 8, "negende": 9, "tiende": 10,
}
_ARTICLE = re.compile(
    r"\b[Aa]rt(?:ikel(?:en)?|\.)\s+(?P<art>\d+[a-z]*(?::\d+[a-z]*)?)"
    r"(?:,?\s*(?:lid\s+(?P<lid>\d+)|(?P<ord>" + "|".join(ORDINALS) + r")\s+lid))?"
)
#: The rest of an enumeration after ``artikelen N``: more numbers joined by commas, *en*,
#: *of*, ranges (``56-64``, ``226g t/m 226k``), with a member or a sub-item after a number.
_MEMBER = (r"(?:,?\s*(?:lid\s+\d+|(?:" + "|".join(ORDINALS) + r")\s+lid))?"
           r"(?:,?\s*(?:sub|onder)\s+\w\b)?")
_LIST_TAIL = re.compile(
    r"(?:" + _MEMBER + r"(?:\s*,\s*(?:en\s+|of\s+)?|\s+(?:en|of)\s+|\s*(?:-|–|t/m|tot en met)\s*)\d+[a-z]*(?::\d+[a-z]*)?)+"
)
_LIST_ITEM = re.compile(r"(?P<sep>-|–|t/m|tot en met)?\s*(?P<art>\d+[a-z]*(?::\d+[a-z]*)?)"
                        r"(?:,?\s*(?:lid\s+(?P<lid>\d+)|(?P<ord>" + "|".join(ORDINALS) + r")\s+lid))?")
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


def _listed(first: str, tail: str) -> list[str]:
    """The article refs the rest of an enumeration lists (``, 3, 4, en 56-64`` after ``1``)."""
    out: list[str] = []
    previous = first
    for m in _LIST_ITEM.finditer(tail):
        art = m.group("art")
        lid = m.group("lid") or (str(ORDINALS[m.group("ord")]) if m.group("ord") else None)
        if m.group("sep") and previous.isdigit() and art.isdigit() and 0 < int(art) - int(previous) <= _MAX_RANGE:
            out += [f"artikel {n}" for n in range(int(previous) + 1, int(art))]
        out.append(f"artikel {art}" + (f" lid {lid}" if lid else ""))
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

    def _name_in(self, text: str) -> tuple[str | None, bool]:
        """(document, found): found is True when a regulation is named, even one not held."""
        best: tuple[int, str | None] | None = None
        for n in self._names:
            for m in n.pattern.finditer(text):
                year = m.group("year")
                doc = n.doc if (year is None or n.year is None or year == n.year) else None
                if best is None or m.start() < best[0]:
                    best = (m.start(), doc)
                break
        if best is None:
            # another regulation named, one the corpus does not hold
            return None, bool(_OTHER_REGULATION.search(text))
        return best[1], True

    def _name_before(self, text: str) -> tuple[str | None, bool]:
        """(document, found) for a name that ends at most ``_WINDOW_BEFORE`` characters before
        the end of ``text`` (*Wet op de inlichtingen- en veiligheidsdiensten 2002: artikelen …*),
        however long the name."""
        best: tuple[int, str | None] | None = None
        for n in self._names:
            for m in n.pattern.finditer(text):
                if m.end() < len(text) - _WINDOW_BEFORE:
                    continue
                year = m.group("year")
                doc = n.doc if (year is None or n.year is None or year == n.year) else None
                if best is None or m.end() > best[0]:
                    best = (m.end(), doc)
        if best is None:
            return None, bool(_OTHER_REGULATION.search(text[-_WINDOW_BEFORE:]))
        return best[1], True

    def find(self, text: str, own_doc: str) -> list[Reference]:
        """References made in plain text."""
        refs: list[Reference] = []
        own = self.documents.get(own_doc)
        for m in _ARTICLE.finditer(text):
            lid = m.group("lid") or (str(ORDINALS[m.group("ord")]) if m.group("ord") else None)
            targets = [f"artikel {m.group('art')}" + (f" lid {lid}" if lid else "")]
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
            lid = m.group("lid") or (str(ORDINALS[m.group("ord")]) if m.group("ord") else None)
            target_ref = f"artikel {m.group('art')}" + (f" lid {lid}" if lid else "")
        return replace(ref, target_doc=target_doc, target_ref=target_ref)

    def annotate(self, passage: Passage) -> Passage:
        """The passage with its link references resolved and its text references added."""
        links = [self.resolve_link(r) if r.source == "link" else r for r in passage.references]
        found = self.find(passage.text, passage.doc)
        seen = {(r.target_doc, r.target_ref) for r in links}
        extra = [r for r in found if (r.target_doc, r.target_ref) not in seen and not seen.add((r.target_doc, r.target_ref))]  # type: ignore[func-returns-value]
        return replace(passage, references=tuple(links + extra))
