"""Blocks of one citation unit → passages sized for retrieval.

Short sections stay whole; long ones are split at block (paragraph, list item, table
row) boundaries, and a block longer than the limit is split at sentence ends: never
mid-sentence. Passage ids count the passages of one citation unit from 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kennis import ids
from kennis.models import Footnote, Passage, Reference

#: A passage grows up to about this many characters (≈ 250 tokens of Dutch text:
#: well inside the embedding model's window, small enough to cite precisely).
TARGET_CHARS = 1100
#: A single block longer than this is split at sentence ends.
MAX_BLOCK_CHARS = 1400

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-Z0-9‘“(•*]|[a-z]\.)")


@dataclass
class Block:
    """A paragraph, list item, table or article member, already cleaned of markup."""

    ref: str
    text: str
    path: tuple[str, ...]
    kind: str = "para"
    footnotes: list[Footnote] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    #: Juriconnect id of the article or member the block belongs to (BWB XML only).
    jci: str = ""


def split_sentences(text: str, limit: int = TARGET_CHARS) -> list[str]:
    """Split ``text`` into chunks of whole sentences, each at most ``limit`` where possible."""
    if len(text) <= limit:
        return [text]
    sentences = _SENTENCE_END.split(text)
    chunks: list[str] = []
    current = ""
    for s in sentences:
        if current and len(current) + 1 + len(s) > limit:
            chunks.append(current)
            current = s
        else:
            current = f"{current} {s}" if current else s
    if current:
        chunks.append(current)
    return chunks


def _split_table(text: str, limit: int) -> list[str]:
    rows = text.split("\n")
    chunks: list[str] = []
    current: list[str] = []
    for row in rows:
        if current and sum(len(r) + 1 for r in current) + len(row) > limit:
            chunks.append("\n".join(current))
            current = []
        current.append(row)
    if current:
        chunks.append("\n".join(current))
    return chunks


def _pieces(block: Block) -> list[Block]:
    if len(block.text) <= MAX_BLOCK_CHARS:
        return [block]
    parts = _split_table(block.text, TARGET_CHARS) if block.kind == "table" else split_sentences(block.text)
    out = []
    for i, part in enumerate(parts):
        # footnotes and references stay with the first piece, where the block starts
        out.append(
            Block(
                block.ref,
                part,
                block.path,
                block.kind,
                block.footnotes if i == 0 else [],
                block.references if i == 0 else [],
                block.jci,
            )
        )
    return out


def make_passages(doc: str, version: str, blocks: list[Block], start_order: int = 0) -> list[Passage]:
    """Group consecutive blocks of the same citation unit and heading path into passages."""
    passages: list[Passage] = []
    counters: dict[str, int] = {}
    group: list[Block] = []

    def flush() -> None:
        if not group:
            return
        first = group[0]
        key = ids.ref_slug(first.ref)
        counters[key] = counters.get(key, 0) + 1
        n = counters[key]
        passages.append(
            Passage(
                id=ids.passage_id(doc, version, first.ref, n),
                doc=doc,
                version=version,
                ref=first.ref,
                n=n,
                text="\n".join(b.text for b in group),
                path=first.path,
                footnotes=tuple(f for b in group for f in b.footnotes),
                references=tuple(r for b in group for r in b.references),
                order=start_order + len(passages),
                jci=first.jci,
            )
        )
        group.clear()

    for block in blocks:
        if not block.text:
            continue
        for piece in _pieces(block):
            if group and (
                group[0].ref != piece.ref
                or group[0].path != piece.path
                or group[0].jci != piece.jci
                or sum(len(b.text) + 1 for b in group) + len(piece.text) > TARGET_CHARS
            ):
                flush()
            group.append(piece)
    flush()
    return passages
