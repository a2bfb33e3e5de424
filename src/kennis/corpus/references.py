"""Cross-references: what a passage cites, from link targets and from plain text.

Plain-text citations are recognised as an article mention (``artikel 16``, ``artikel 6,
tweede lid``, ``artikel 43, lid 2``) followed (or preceded, as in ``Gemeentewet artikel
172``) by the name of a regulation; names come from the manifest (title and short title,
with and without their year). In a law, an article mention without a name cites the law
itself.
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
_YEAR = re.compile(r"\s+(\d{4})$")
#: How far after (or before) an article mention the name of its regulation may stand.
_WINDOW_AFTER = 90
_WINDOW_BEFORE = 40
LAW_KINDS = ("wet", "amvb", "regeling", "besluit")
_OTHER_REGULATION = re.compile(
    r"\b[A-Z][a-z]*(?:wet|besluit|regeling|instructie)\b|\bWet(?:boek)?\s+(?:op|van|tot|inzake|houdende)\b"
)


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

    def find(self, text: str, own_doc: str) -> list[Reference]:
        """References made in plain text."""
        refs: list[Reference] = []
        own = self.documents.get(own_doc)
        for m in _ARTICLE.finditer(text):
            lid = m.group("lid") or (str(ORDINALS[m.group("ord")]) if m.group("ord") else None)
            target_ref = f"artikel {m.group('art')}" + (f" lid {lid}" if lid else "")
            after = text[m.end(): m.end() + _WINDOW_AFTER]
            after = re.split(r"(?<=[a-z)])\.\s|;", after)[0]
            doc, named = self._name_in(after)
            if not named:
                doc, named = self._name_in(text[max(0, m.start() - _WINDOW_BEFORE): m.start()])
            if not named and own is not None and own.kind in LAW_KINDS:
                doc, named = own_doc, True
            if not named or doc is None:
                continue
            refs.append(Reference(text=normalise_space(m.group(0)), target_doc=doc, target_ref=target_ref, bwb_id=doc if doc.startswith("BWB") else None, source="text"))
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
