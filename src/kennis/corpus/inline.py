"""Inline markup of the texts: footnotes, links, images, whitespace.

Passage text is what a reader sees: footnotes move out of the sentence into
:class:`~kennis.models.Footnote` records, link syntax keeps only its text (the BWB id
of the target is recorded as a :class:`~kennis.models.Reference`), images are dropped.
"""

from __future__ import annotations

import re

from kennis.models import Footnote, Reference

_SUP = re.compile(r"<sup>(.*?)</sup>", re.S)
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_BWB = re.compile(r"\b(BWB[RV]\d{7})\b")
_SPACE = re.compile(r"[ \t\u00a0]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([.,;:)!?])")
_FOOTNOTE_LABEL = re.compile(r"^\s*(\d+[a-z]?)\s+(.*)$", re.S)


def normalise_space(text: str) -> str:
    """Collapse runs of spaces (and non-breaking spaces) and trim."""
    return _SPACE.sub(" ", text).strip()


def bwb_id(target: str) -> str | None:
    m = _BWB.search(target)
    return m.group(1) if m else None


def clean_inline(text: str) -> tuple[str, list[Footnote], list[Reference]]:
    """Strip inline markup from one block; return its text, footnotes and link references."""
    footnotes: list[Footnote] = []
    references: list[Reference] = []

    def _footnote(m: re.Match[str]) -> str:
        inner, _, inner_refs = clean_links(m.group(1))
        references.extend(inner_refs)
        lm = _FOOTNOTE_LABEL.match(inner)
        label, body = (lm.group(1), lm.group(2)) if lm else (str(len(footnotes) + 1), inner)
        footnotes.append(Footnote(label=label, text=normalise_space(body)))
        return ""

    text = _SUP.sub(_footnote, text)
    text, _, refs = clean_links(text)
    references.extend(refs)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", normalise_space(text))
    return text, footnotes, references


def clean_links(text: str) -> tuple[str, list[str], list[Reference]]:
    """Drop images, keep link texts; return (text, image targets, link references)."""
    images: list[str] = []
    references: list[Reference] = []

    def _image(m: re.Match[str]) -> str:
        images.append(m.group(2))
        return ""

    def _link(m: re.Match[str]) -> str:
        label, target = m.group(1), m.group(2)
        bid = bwb_id(target)
        if bid:
            references.append(Reference(text=normalise_space(label), bwb_id=bid, source="link"))
        return label

    text = _IMAGE.sub(_image, text)
    text = _LINK.sub(_link, text)
    return normalise_space(text), images, references
