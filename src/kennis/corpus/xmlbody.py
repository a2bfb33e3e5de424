"""The text body of the government's XML (BWB toestand, officiële publicaties) → citation tree.

Both schema families share their text elements: structure (``hoofdstuk``, ``paragraaf``,
``artikel``, ``circulaire.divisie``, ``bijlage``…) with a ``kop`` (``label``, ``nr``,
``titel``), members (``lid`` with ``lidnr``), paragraphs (``al``), lists (``lijst``/``li``
with ``li.nr``), definition lists, CALS tables, notes (``noot``) and references
(``intref``/``extref``). :class:`BodyReader` walks them into the same sections and blocks
as the markdown parser, with the same citation refs (``artikel 2.4 lid 1``, ``4.2``,
``bijlage 2``), and passes each block the Juriconnect id of its article or member.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from lxml import etree

from kennis.corpus import links
from kennis.corpus.markdown import KEYWORD_RANK, PREAMBLE_REF
from kennis.corpus.segment import Block, make_passages
from kennis.models import Footnote, ParsedVersion, Reference, Section

#: Elements that open a citation unit (a section).
STRUCTURE = frozenset({
    "boek", "deel", "titeldeel", "hoofdstuk", "afdeling", "paragraaf", "sub-paragraaf",
    "artikel", "enig-artikel", "bijlage", "circulaire.divisie", "divisie",
})
#: Elements that carry no reading text.
SKIP = frozenset({
    "meta-data", "jcis", "jci", "kop", "lidnr", "li.nr", "bwb-inputbestand", "bwb-wijzigingen",
    "redactionele-correcties", "plaatje", "illustratie", "metadata", "brondata",
})
#: Parts outside the numbered structure cited by a name of their own.
NAMED_PARTS = {
    "aanhef": PREAMBLE_REF,
    "wetsluiting": "ondertekening",
    "regeling-sluiting": "ondertekening",
    "circulaire-sluiting": "ondertekening",
}
_BLOCKISH = STRUCTURE | {"al", "lid", "lijst", "table", "definitielijst", "tussenkop"}
_WS = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([.,;:)!?])")
_REF_FROM_PATH = re.compile(r"(Artikel|Bijlage|Hoofdstuk|Paragraaf|Afdeling)([0-9A-Za-z.:]*)$")
#: An article named in a reference's text (dotted numbers as in ``artikel 2.3``, ``5:20``).
_REF_FROM_TEXT = re.compile(r"^(?:de\s+)?(artikel|bijlage|hoofdstuk|paragraaf|afdeling)(?:en)?\s+(\d+[a-z]?(?:[.:]\d+[a-z]?)*)", re.I)


def clean(text: str) -> str:
    """Collapse whitespace (line breaks of the XML included) and drop spaces before punctuation."""
    return _SPACE_BEFORE_PUNCT.sub(r"\1", _WS.sub(" ", text)).strip()


def local(el: Any) -> str:
    """Element name without namespace; ``""`` for comments and processing instructions."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def child(el: Any, name: str) -> Any:
    return next((c for c in el if local(c) == name), None)


def own_jci(el: Any) -> str:
    """The Juriconnect 1.3 id in an element's own ``meta-data/jcis``, or ``""``."""
    meta = child(el, "meta-data")
    jcis = child(meta, "jcis") if meta is not None else None
    if jcis is None:
        return ""
    found = [j.get("verwijzing", "") for j in jcis if local(j) == "jci"]
    return next((j for j in found if j.startswith("jci1.3")), found[0] if found else "")


def xml_reference(el: Any, text: str) -> Reference | None:
    """An ``intref``/``extref`` as a link reference: BWB id and, where it says, the unit."""
    parsed = links.parse_jci(el.get("doc") or "")
    bwb = parsed.bwb_id if parsed else (el.get("bwb-id") or "")
    if not links.BWB_ID.match(bwb):
        return None  # a CELEX or other non-BWB target: nothing to resolve it to
    target_ref = parsed.ref if parsed else None
    if target_ref is None:
        m = _REF_FROM_PATH.search(el.get("bwb-ng-variabel-deel") or "") or _REF_FROM_TEXT.match(text)
        if m:
            target_ref = f"{m.group(1).lower()} {m.group(2)}".strip()
    return Reference(text=text, bwb_id=bwb, target_ref=target_ref, source="link")


class Inline:
    """Text of a mixed-content element: notes become footnotes, references are recorded."""

    def __init__(self) -> None:
        self.footnotes: list[Footnote] = []
        self.references: list[Reference] = []

    def text(self, el: Any) -> str:
        parts = [el.text or ""]
        for ch in el:
            name = local(ch)
            if name in SKIP or not name:
                pass
            elif name == "noot":
                self._note(ch)
            elif name in ("intref", "extref"):
                inner = self.text(ch)
                ref = xml_reference(ch, clean(inner))
                if ref is not None:
                    self.references.append(ref)
                parts.append(inner)
            elif name == "br":
                parts.append(" ")
            else:
                parts.append(self.text(ch))
            tail = ch.tail or ""
            if "\n" in tail and not tail.strip() and ch.getnext() is not None:
                tail = ""  # the indentation of pretty-printed XML between two inline elements
            parts.append(tail)
        return "".join(parts)

    def _note(self, el: Any) -> None:
        nr = child(el, "noot.nr")
        label = clean(nr.text or "") if nr is not None else str(len(self.footnotes) + 1)
        body = " ".join(self.text(c) for c in el if local(c) not in ("noot.nr", ""))
        self.footnotes.append(Footnote(label=label or str(len(self.footnotes) + 1), text=clean(body)))


class BodyReader:
    """Walks one XML body into sections and blocks; :meth:`result` gives the parsed version."""

    def __init__(self, doc: str, version: str, *, default_ref: str = PREAMBLE_REF,
                 default_path: tuple[str, ...] = ("Aanhef",), default_jci: str = "") -> None:
        self.doc, self.version = doc, version
        self.default_ref, self.default_path, self.default_jci = default_ref, default_path, default_jci
        self.sections: list[Section] = []
        self.blocks: list[Block] = []
        self._pending: dict[str, tuple[list[Footnote], list[Reference]]] = {}

    def _add(self, block: Block) -> None:
        unit = next((k for k in self._pending if block.ref == k or block.ref.startswith(k + " ")), None)
        notes, refs = self._pending.pop(unit) if unit is not None else ([], [])
        if notes or refs:
            block.footnotes[:0] = notes
            block.references[:0] = refs
        self.blocks.append(block)

    # --- result -------------------------------------------------------------------------------

    def result(self, title: str) -> ParsedVersion:
        refs = {s.ref for s in self.sections}
        if any(b.ref == self.default_ref for b in self.blocks) and self.default_ref not in refs:
            heading = self.default_path[-1] if self.default_path else title
            self.sections.insert(0, Section(self.doc, self.version, self.default_ref, "", heading, 1,
                                            self.default_path, None, -1))
        passages = make_passages(self.doc, self.version, self.blocks)
        return ParsedVersion(self.doc, self.version, title, tuple(self.sections), tuple(passages))

    # --- walking ------------------------------------------------------------------------------

    def walk(self, el: Any, section: Section | None = None, ref: str | None = None,
             path: tuple[str, ...] | None = None, jci: str | None = None) -> None:
        """Read ``el`` as part of ``section`` (cited as ``ref`` under heading ``path``)."""
        ref = self.default_ref if ref is None else ref
        path = self.default_path if path is None else path
        jci = self.default_jci if jci is None else jci
        name = local(el)
        if not name or name in SKIP or name == "noot":
            return
        if name in STRUCTURE:
            self._structure(el, section, ref, path, jci)
        elif name in NAMED_PARTS and section is None:
            part = NAMED_PARTS[name]
            heading = part.capitalize()
            sec = self._open(part, "", heading, None, (heading,))
            self._children(el, sec, part, (heading,), own_jci(el) or jci)
        elif name == "lid":
            self._member(el, section, ref, path, jci)
        elif name == "lijst":
            self._list(el, ref, path, jci)
        elif name == "definitielijst":
            self._definitions(el, ref, path, jci)
        elif name == "table":
            self._table(el, ref, path, jci)
        elif name in ("al", "tussenkop") or not self._has_blocks(el):
            self._para(el, ref, path, jci, "para")
        else:
            self._children(el, section, ref, path, jci)

    def _children(self, el: Any, section: Section | None, ref: str, path: tuple[str, ...], jci: str) -> None:
        for ch in el:
            self.walk(ch, section, ref, path, jci)

    def _has_blocks(self, el: Any) -> bool:
        return any(local(d) in _BLOCKISH for d in el.iterdescendants())

    def _open(self, ref: str, number: str, heading: str, parent: Section | None,
              path: tuple[str, ...]) -> Section:
        sec = Section(self.doc, self.version, ref, number, heading, (parent.level + 1) if parent else 1,
                      path, parent.ref if parent else None, len(self.sections))
        self.sections.append(sec)
        return sec

    def _structure(self, el: Any, parent: Section | None, ref: str, path: tuple[str, ...], jci: str) -> None:
        name = local(el)
        kop = child(el, "kop")
        label = nr = heading = ""
        inline = Inline()
        if kop is not None:
            label = clean(_text(child(kop, "label")))
            nr = clean(_text(child(kop, "nr"))).rstrip(".")
            titel = child(kop, "titel") if child(kop, "titel") is not None else child(kop, "subtitel")
            heading = clean(inline.text(titel)) if titel is not None else ""
        if not label and name not in ("circulaire.divisie", "divisie"):
            label = "Artikel" if name == "enig-artikel" and not nr else name.capitalize()
        keyword = label.lower()
        own = own_jci(el) or jci
        if nr or name in ("bijlage", "artikel", "enig-artikel") or keyword in KEYWORD_RANK:
            if keyword in KEYWORD_RANK or name in ("artikel", "enig-artikel", "bijlage"):
                kw = keyword if keyword in KEYWORD_RANK else name.replace("enig-", "")
                new_ref = f"{kw} {nr}".strip()
                number = f"{label} {nr}".strip()
            else:
                new_ref, number = nr, (f"{label} {nr}".strip() if label else nr)
            display = clean(f"{number} {heading}") or number
            base = parent.path if parent is not None else ()
            sec = self._open(new_ref, number, heading, parent, base + (display,))
            if inline.footnotes or inline.references:
                # a heading's notes and references go with the first text of its unit
                self._pending[new_ref] = (inline.footnotes, inline.references)
            self._children(el, sec, new_ref, sec.path, own)
            return
        # an unnumbered division: its own unit at the top, a sub-heading inside a numbered one
        if parent is None or not parent.number:
            own_ref = heading.lower() or ref
            sec = self._open(own_ref, "", heading, parent, (heading,) if heading else path)
            self._children(el, sec, own_ref, sec.path, own)
        else:
            self._children(el, parent, ref, path + ((heading,) if heading else ()), own)

    def _member(self, el: Any, section: Section | None, ref: str, path: tuple[str, ...], jci: str) -> None:
        nr = clean(_text(child(el, "lidnr"))).rstrip(".")
        if not nr or section is None or not section.ref.startswith("artikel"):
            self._children(el, section, ref, path, jci)
            return
        member_jci = own_jci(el) or (links.with_param(jci, "lid", nr) if jci and "&lid=" not in jci else jci)
        member_ref = f"{section.ref} lid {nr}"
        first = True
        for ch in el:
            if local(ch) == "al":
                # the first paragraph of a member starts with its number, as printed
                self._para(ch, member_ref, path, member_jci, "member", prefix=f"{nr}. " if first else "")
                first = False
            else:
                self.walk(ch, section, member_ref, path, member_jci)

    def _para(self, el: Any, ref: str, path: tuple[str, ...], jci: str, kind: str, prefix: str = "") -> None:
        inline = Inline()
        text = clean(inline.text(el))
        if text or inline.footnotes:
            self._add(Block(ref, clean(prefix + text) if text else "", path, kind,
                                     inline.footnotes, inline.references, jci))

    def _list(self, el: Any, ref: str, path: tuple[str, ...], jci: str) -> None:
        for li in el:
            if local(li) != "li":
                continue
            inline = Inline()
            nr = clean(_text(child(li, "li.nr")))
            parts = [clean(inline.text(c)) for c in li if local(c) not in ("lijst", "li.nr", "meta-data", "")]
            text = clean(" ".join(p for p in parts if p))
            if text:
                self._add(Block(ref, clean(f"{nr} {text}"), path, "list", inline.footnotes,
                                         inline.references, jci))
            for sub in li:
                if local(sub) == "lijst":
                    self._list(sub, ref, path, jci)

    def _definitions(self, el: Any, ref: str, path: tuple[str, ...], jci: str) -> None:
        for item in el:
            if local(item) != "definitie-item":
                continue
            inline = Inline()
            text = clean(" ".join(inline.text(c) for c in item if local(c) not in ("meta-data", "")))
            if text:
                self._add(Block(ref, text, path, "list", inline.footnotes, inline.references, jci))

    def _table(self, el: Any, ref: str, path: tuple[str, ...], jci: str) -> None:
        inline = Inline()
        rows = []
        for row in el.iter():
            if local(row) != "row":
                continue
            cells = [clean(inline.text(e)).replace("|", "/") for e in row if local(e) == "entry"]
            if any(cells):
                rows.append("| " + " | ".join(cells) + " |")
        if rows:
            self._add(Block(ref, "\n".join(rows), path, "table", inline.footnotes, inline.references, jci))


def _text(el: Any) -> str:
    return "".join(el.itertext()) if el is not None else ""


def parse_bytes(data: bytes, what: str, error: Callable[[str], Exception]) -> Any:
    """Parse XML bytes (a byte-order mark allowed); a truncated or malformed file raises ``error``."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
        raise error(f"{what} is not well-formed XML{line}: {exc.msg}; is the file complete?") from None
