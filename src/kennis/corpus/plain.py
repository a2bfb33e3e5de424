"""Parser for ``plain`` texts (the Kamerbrief): paragraphs and pandoc-style footnotes.

``[footnoteRef:N]`` marks where note N is cited and ``[N: text ]`` holds the note; both
leave the sentence and the note becomes a :class:`~kennis.models.Footnote` of the passage
that cites it. A document without headings has one citation unit, ref ``""``.
"""

from __future__ import annotations

import re

from kennis.corpus.inline import normalise_space
from kennis.corpus.segment import Block, make_passages
from kennis.models import Footnote, ParsedVersion, Section

_NOTE_REF = re.compile(r"\[footnoteRef:(\d+)\]")
_NOTE = re.compile(r"\[(\d+):\s*(.*?)\s*\]", re.S)
#: A short line without final punctuation, directly followed by text, is a sub-heading.
_SUBHEADING_MAX = 60


def parse_plain(text: str, doc: str, version: str, title: str) -> ParsedVersion:
    notes = {m.group(1): normalise_space(m.group(2)) for m in _NOTE.finditer(text)}
    body = _NOTE.sub("", text)
    blocks: list[Block] = []
    sub_path: list[str] = []
    for para in re.split(r"\n\s*\n", body.replace("\r\n", "\n")):
        lines = [normalise_space(line) for line in para.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) > 1 and len(lines[0]) <= _SUBHEADING_MAX and not lines[0].endswith((".", ",", ":", ";")):
            sub_path = [lines[0]]
            lines = lines[1:]
        joined = " ".join(lines)
        cited = _NOTE_REF.findall(joined)
        clean = normalise_space(_NOTE_REF.sub("", joined))
        clean = re.sub(r" +([.,;:)])", r"\1", clean)
        footnotes = [Footnote(label=n, text=notes[n]) for n in cited if n in notes]
        blocks.append(Block("", clean, (title, *sub_path), "para", footnotes, []))
    section = Section(doc=doc, version=version, ref="", number="", heading=title, level=1, path=(title,), parent_ref=None, order=0)
    return ParsedVersion(doc=doc, version=version, title=title, sections=(section,), passages=tuple(make_passages(doc, version, blocks)))
