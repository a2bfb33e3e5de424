"""Parser for ``laws-markdown``: the BWB markdown mirror (quirks in the corpus README).

Text → citation tree: numbered headings (``### 4.2`` + ``####Heading``, ``### Artikel  16``,
``### §  2.3``, ``### Bijlage  1``...) become :class:`~kennis.models.Section`s; unnumbered
headings become part of the heading path of the text below them, which keeps the
citation of the nearest numbered heading above (or, when there is none, the heading's
own text in lower case, e.g. ``samenvatting``); numbered members of an article become
``artikel N lid M``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kennis.corpus.inline import clean_inline, normalise_space
from kennis.corpus.segment import Block, make_passages
from kennis.errors import ParseError
from kennis.models import Footnote, ParsedVersion, Reference, Section

#: Structural keywords and their rank (smaller = higher in the hierarchy).
KEYWORD_RANK = {
    "boek": 0,
    "deel": 0,
    "titel": 1,
    "hoofdstuk": 1,
    "bijlage": 1,
    "afdeling": 2,
    "paragraaf": 3,
    "§": 3,
    "artikel": 5,
}
_OTHER_RANK = 4
_HEADING_NUMBER = re.compile(
    r"^(?:(?P<kw>[A-Za-z§]+)\.?\s*)?"
    r"(?P<num>\d+[A-Za-z]*(?:[.:\-]\d*[A-Za-z]*)*|[IVXLC]+[a-z]?|[A-Za-z](?:\.\d+)*)\.?$"
)
_MEMBER = re.compile(r"^(\d+[a-z]?)\.\s+(.*)$")
_LIST_ITEM = re.compile(r"^(?:[*\-•]\s+|[a-z]{1,2}\.\s*|\d+°\.?\s*|[ivx]+\.\s+)")
#: The preamble before the first heading of a regulation is cited as its "aanhef".
PREAMBLE_REF = "aanhef"


@dataclass(frozen=True)
class HeadingNumber:
    keyword: str  # lower case, "" for a bare number
    number: str
    ref: str
    label: str  # as printed, spaces collapsed: "Artikel 16", "§ 2.3", "4.2"
    rank: int


def classify_heading(text: str) -> HeadingNumber | None:
    """The citation number of a ``###`` heading, or ``None`` for an unnumbered heading."""
    label = normalise_space(text.replace("*", " ")) if text.strip().startswith("*") else normalise_space(text)
    if text.strip().startswith("*"):
        return None  # emphasised headings (``### *Toelichting*``) are never numbered
    if label.lower() in KEYWORD_RANK:
        kw = label.lower()
        return HeadingNumber(kw, "", kw, label, KEYWORD_RANK[kw])
    m = _HEADING_NUMBER.match(label)
    if not m:
        return None
    kw = (m.group("kw") or "").lower()
    num = m.group("num").rstrip(".")
    if kw and kw not in KEYWORD_RANK and not any(c.isdigit() for c in num):
        return None
    if not kw and not re.search(r"\d", num) and len(num) > 1 and not re.fullmatch(r"[IVXLC]+[a-z]?", num):
        return None
    if kw:
        rank = KEYWORD_RANK.get(kw, _OTHER_RANK)
        ref = f"{kw} {num}"
        label = f"{m.group('kw')} {num}"
    elif num[0].isdigit():
        rank = num.count(".") + 1
        ref = num
    else:
        rank = 1
        ref = num
    return HeadingNumber(kw, num, ref, label, rank)


def _heading_text(raw: str) -> tuple[str, list[Footnote], list[Reference]]:
    text, notes, refs = clean_inline(raw.strip().strip("*").strip())
    return text.lstrip("–-— ").strip(), notes, refs


def parse_markdown(text: str, doc: str, version: str) -> ParsedVersion:
    """Parse one laws-markdown text into sections and passages."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].lstrip().startswith("<meta"):
        lines = lines[1:]
    title = ""
    sections: list[Section] = []
    blocks: list[Block] = []
    stack: list[tuple[int, Section]] = []
    current: Section | None = None
    sub_path: list[str] = []  # unnumbered headings inside the current section
    member: str | None = None  # current article member ("1", "2a")
    expect_heading = False  # a numbered ``###`` waits for its ``####`` heading
    para: list[str] = []
    table: list[str] = []

    def cur_ref() -> str:
        if current is None:
            return PREAMBLE_REF
        if member is not None:
            return f"{current.ref} lid {member}"
        return current.ref

    def cur_path() -> tuple[str, ...]:
        base = current.path if current is not None else ("Aanhef",)
        return tuple(base) + tuple(sub_path)

    def add_block(raw: str, kind: str) -> None:
        clean, notes, refs = clean_inline(raw)
        if clean:
            blocks.append(Block(cur_ref(), clean, cur_path(), kind, notes, refs))

    def flush_para() -> None:
        if para:
            add_block(" ".join(para), "para")
            para.clear()

    def flush_table() -> None:
        if table:
            rows = []
            for row in table:
                cells = [normalise_space(c) for c in row.strip().strip("|").split("|")]
                if all(re.fullmatch(r":?-{2,}:?|", c) for c in cells):
                    continue  # separator rows carry no text
                rows.append("| " + " | ".join(cells) + " |")
            clean_rows = []
            notes: list[Footnote] = []
            refs: list[Reference] = []
            for row in rows:
                c, n, r = clean_inline(row)
                clean_rows.append(c)
                notes += n
                refs += r
            if clean_rows:
                blocks.append(Block(cur_ref(), "\n".join(clean_rows), cur_path(), "table", notes, refs))
            table.clear()

    def flush() -> None:
        flush_para()
        flush_table()

    def open_section(num: HeadingNumber | None, heading: str, own_ref: str | None = None) -> None:
        nonlocal current, member
        flush()
        rank = num.rank if num else 1
        while stack and stack[-1][0] >= rank:
            stack.pop()
        parent = stack[-1][1] if stack else None
        label = num.label if num else ""
        display = normalise_space(f"{label} {heading}") or label
        section = Section(
            doc=doc,
            version=version,
            ref=num.ref if num else (own_ref or ""),
            number=num.label if num else "",
            heading=heading,
            level=len(stack) + 1,
            path=(parent.path if parent else ()) + (display,),
            parent_ref=parent.ref if parent else None,
            order=len(sections),
        )
        sections.append(section)
        stack.append((rank, section))
        current = section
        member = None
        sub_path.clear()

    def set_heading(heading: str) -> None:
        """Give the section just opened its ``####`` heading (sections are frozen: rebuild)."""
        nonlocal current
        assert current is not None
        label = current.number
        display = normalise_space(f"{label} {heading}")
        updated = Section(
            current.doc, current.version, current.ref, current.number, heading, current.level,
            current.path[:-1] + (display,), current.parent_ref, current.order,
        )
        sections[-1] = updated
        stack[-1] = (stack[-1][0], updated)
        current = updated

    for raw_line in lines:
        line = raw_line.rstrip()
        stripped = line.strip()
        if not stripped:
            flush_para()
            if table:
                flush_table()
            continue
        if stripped.startswith("####"):
            heading, notes, refs = _heading_text(stripped[4:])
            if expect_heading and current is not None:
                set_heading(heading)
                expect_heading = False
                if notes or refs:
                    blocks.append(Block(cur_ref(), "", cur_path(), "heading", notes, refs))
                continue
            flush()
            if current is None or not current.number:
                # an unnumbered heading with no number above it is its own citation unit
                open_section(None, heading, own_ref=heading.lower())
            else:
                sub_path[:] = [heading]
            continue
        if stripped.startswith("###"):
            flush()
            expect_heading = False
            body = stripped[3:]
            num = classify_heading(body)
            if num is not None:
                open_section(num, "")
                expect_heading = True
            else:
                heading, _, _ = _heading_text(body)
                if current is None or not current.number:
                    open_section(None, heading, own_ref=heading.lower())
                else:
                    sub_path[:] = [heading]
            continue
        if stripped.startswith("##") and not title:
            title = clean_inline(stripped.lstrip("#"))[0]
            continue
        expect_heading = False
        if stripped.startswith("|"):
            flush_para()
            table.append(stripped)
            continue
        flush_table()
        mm = _MEMBER.match(stripped)
        if mm and current is not None and current.number.lower().startswith("artikel"):
            flush_para()
            member = mm.group(1)
            add_block(stripped, "member")
            continue
        if _LIST_ITEM.match(stripped) or mm:
            flush_para()
            add_block(stripped, "list")
            continue
        para.append(stripped)
    flush()
    if not title:
        raise ParseError(f"{doc} {version}: no ##Title line found")
    if any(b.ref == PREAMBLE_REF for b in blocks if b.text) and PREAMBLE_REF not in {s.ref for s in sections}:
        preamble = Section(doc, version, PREAMBLE_REF, "", "Aanhef", 1, ("Aanhef",), None, -1)
        sections.insert(0, preamble)
    passages = make_passages(doc, version, blocks)
    return ParsedVersion(doc=doc, version=version, title=title, sections=tuple(sections), passages=tuple(passages))
