"""Reader of the BWB repository ``manifest.xml`` of one regulation.

``work`` (``label`` = BWB id; ``metadata``: ``datum_inwerkingtreding``, ``wti_locatie``)
→ one ``expression`` per toestand (``label`` ``2022-05-01_0``; ``datum_inwerkingtreding``,
``einddatum``) → ``manifestation label="xml"`` (``size``, ``hashcode``: the SHA-512 of the
file) → ``item`` (file name, ``_deleted``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from kennis.corpus.wti import OPEN_END
from kennis.corpus.xmlbody import child, local, parse_bytes
from kennis.errors import ChecksumError, ParseError


@dataclass(frozen=True)
class ManifestItem:
    name: str
    size: int | None
    sha512: str
    deleted: bool


@dataclass(frozen=True)
class Expression:
    """One toestand: in force from ``start`` to ``end`` (``None``: still in force)."""

    label: str
    start: date | None
    end: date | None
    items: tuple[ManifestItem, ...]

    def xml_item(self) -> ManifestItem | None:
        """The toestand's XML file, unless it was withdrawn."""
        return next((i for i in self.items if i.name.lower().endswith(".xml") and not i.deleted), None)


@dataclass(frozen=True)
class RepositoryManifest:
    bwb_id: str
    in_force_from: date | None
    wti: str
    expressions: tuple[Expression, ...]

    @property
    def end(self) -> date | None:
        """When the regulation stopped applying: the end of its last toestand (``None``: open)."""
        return self.expressions[-1].end if self.expressions else None

    def item(self, file_name: str) -> tuple[Expression, ManifestItem] | None:
        for e in self.expressions:
            for i in e.items:
                if i.name == file_name:
                    return e, i
        return None

    def verify(self, file_name: str, data: bytes) -> None:
        """Refuse a file whose size or SHA-512 differs from the manifest's hash code."""
        found = self.item(file_name)
        if found is None:
            raise ChecksumError(f"{file_name} is not listed in the manifest of {self.bwb_id}")
        _, item = found
        if item.deleted:
            raise ChecksumError(f"{file_name} is marked deleted in the manifest of {self.bwb_id}")
        digest = hashlib.sha512(data).hexdigest()
        if item.sha512 and digest != item.sha512:
            raise ChecksumError(f"{file_name}: SHA-512 differs from the hash code in the manifest of {self.bwb_id}",
                                hint=f"manifest says {item.sha512[:16]}…, file has {digest[:16]}…")
        if item.size is not None and item.size != len(data):
            raise ChecksumError(f"{file_name}: {len(data)} bytes, the manifest of {self.bwb_id} says {item.size}")


def _date(el: Any, name: str) -> date | None:
    found = child(el, name) if el is not None else None
    try:
        day = date.fromisoformat((found.text or "").strip()[:10]) if found is not None else None
    except ValueError:
        return None
    return None if day == OPEN_END else day


def _text(el: Any, name: str) -> str:
    found = child(el, name) if el is not None else None
    return (found.text or "").strip() if found is not None else ""


def parse_manifest(data: bytes, what: str = "manifest.xml") -> RepositoryManifest:
    root = parse_bytes(data, what, ParseError)
    if local(root) != "work" or not root.get("label"):
        raise ParseError(f"{what}: not a BWB repository manifest (root element <{local(root)}>)")
    meta = child(root, "metadata")
    expressions = []
    for e in root:
        if local(e) != "expression":
            continue
        emeta = child(e, "metadata")
        items = []
        for m in e:
            if local(m) != "manifestation":
                continue
            mmeta = child(m, "metadata")
            size = _text(mmeta, "size")
            for it in m:
                if local(it) == "item" and it.get("label"):
                    items.append(ManifestItem(
                        it.get("label"), int(size) if size.isdigit() else None,
                        _text(mmeta, "hashcode").lower(), it.get("_deleted", "false").lower() == "true"))
        expressions.append(Expression(e.get("label", ""), _date(emeta, "datum_inwerkingtreding"),
                                      _date(emeta, "einddatum"), tuple(items)))
    expressions.sort(key=lambda x: (x.start or date.min, x.label))
    return RepositoryManifest(root.get("label"), _date(meta, "datum_inwerkingtreding"), _text(meta, "wti_locatie"),
                              tuple(expressions))
