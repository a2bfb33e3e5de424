"""MANIFEST.toml: works, documents (editions), versions, validity and lineage.

Also the one place where point-in-time selection lives (:meth:`Manifest.select`).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kennis.errors import ChecksumError, ManifestError, NotFoundError
from kennis.models import DocumentInfo, Selection, VersionInfo, Work

FORMATS = ("laws-markdown", "plain", "bwb-toestand", "officiele-publicatie")
_DOC_REQUIRED = ("id", "kind", "title")
_VERSION_REQUIRED = ("date", "path", "format", "sha256")


def _date(value: Any, where: str, field_name: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ManifestError(f"{where}: {field_name} = {value!r} is not an ISO date") from exc


@dataclass(frozen=True)
class Manifest:
    """The parsed manifest. Documents keep the manifest's order."""

    root: Path
    works: dict[str, Work]
    documents: dict[str, DocumentInfo]

    # --- loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path, *, verify: bool = True) -> "Manifest":
        """Read and check ``MANIFEST.toml``; with ``verify``, check every file's sha256."""
        if not path.is_file():
            raise ManifestError(f"manifest not found: {path}")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ManifestError(f"{path}: TOML syntax error: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise ManifestError(f"{path}: not UTF-8 text") from exc
        manifest = cls.from_dict(data, root=path.parent)
        if verify:
            manifest.verify()
        return manifest

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, root: Path) -> "Manifest":
        works: dict[str, Work] = {}
        for i, raw in enumerate(data.get("work", [])):
            for key in ("id", "title"):
                if not raw.get(key):
                    raise ManifestError(f"[[work]] #{i + 1}: missing field {key!r}")
            if raw["id"] in works:
                raise ManifestError(f"duplicate work id {raw['id']!r}")
            works[raw["id"]] = Work(raw["id"], raw["title"], raw.get("description", ""))

        documents: dict[str, DocumentInfo] = {}
        for i, raw in enumerate(data.get("document", [])):
            where = f"[[document]] {raw.get('id') or '#' + str(i + 1)}"
            for key in _DOC_REQUIRED:
                if not raw.get(key):
                    raise ManifestError(f"{where}: missing field {key!r}")
            doc_id = raw["id"]
            if doc_id in documents:
                raise ManifestError(f"duplicate document id {doc_id!r}")
            if raw.get("work") and raw["work"] not in works:
                raise ManifestError(f"{where}: unknown work {raw['work']!r}")
            versions = []
            for j, rv in enumerate(raw.get("version", [])):
                vwhere = f"{where}, version #{j + 1}"
                for key in _VERSION_REQUIRED:
                    if not rv.get(key):
                        raise ManifestError(f"{vwhere}: missing field {key!r}")
                if rv["format"] not in FORMATS:
                    raise ManifestError(
                        f"{vwhere}: unknown format {rv['format']!r} (expected one of {', '.join(FORMATS)})"
                    )
                precision = rv.get("date_precision", "day")
                if precision not in ("day", "month", "year"):
                    raise ManifestError(f"{vwhere}: date_precision {precision!r} is not day, month or year")
                versions.append(
                    VersionInfo(
                        doc=doc_id,
                        date=_date(rv["date"], vwhere, "date"),  # type: ignore[arg-type]
                        path=str(rv["path"]),
                        format=rv["format"],
                        sha256=str(rv["sha256"]).lower(),
                        date_precision=precision,
                    )
                )
            dates = [v.date for v in versions]
            if len(set(dates)) != len(dates):
                raise ManifestError(f"{where}: two versions share a date")
            documents[doc_id] = DocumentInfo(
                id=doc_id,
                kind=raw["kind"],
                title=raw["title"],
                short_title=raw.get("short_title", ""),
                work=raw.get("work"),
                issuer=raw.get("issuer", ""),
                identifier=raw.get("identifier", ""),
                publication=raw.get("publication", ""),
                url=raw.get("url", ""),
                about=raw.get("about"),
                note=raw.get("note", ""),
                valid_from=_date(raw.get("valid_from"), where, "valid_from"),
                valid_to=_date(raw.get("valid_to"), where, "valid_to"),
                supersedes=raw.get("supersedes"),
                versions=tuple(sorted(versions, key=lambda v: v.date)),
                abbreviations=tuple(str(a) for a in raw.get("abbreviations", ())),
                wti=str(raw.get("wti", "")),
                wti_sha256=str(raw.get("wti_sha256", "")).lower(),
            )
            if bool(documents[doc_id].wti) != bool(documents[doc_id].wti_sha256):
                raise ManifestError(f"{where}: wti and wti_sha256 go together")
        for d in documents.values():
            if d.supersedes and d.supersedes not in documents:
                raise ManifestError(f"[[document]] {d.id}: supersedes unknown document {d.supersedes!r}")
            if d.valid_from and d.valid_to and d.valid_to < d.valid_from:
                raise ManifestError(f"[[document]] {d.id}: valid_to is before valid_from")
        if not documents:
            raise ManifestError("the manifest lists no [[document]]")
        return cls(root=root, works=works, documents=documents)

    def verify(self) -> None:
        """Refuse a missing file or one whose sha256 differs from the manifest."""
        files = [(f"{v.doc} {v.version}", v.path, v.sha256) for v in self.versions()]
        files += [(f"{d.id} WTI", d.wti, d.wti_sha256) for d in self.documents.values() if d.wti]
        for what, rel, expected in files:
            path = self.root / rel
            if not path.is_file():
                raise ChecksumError(f"{what}: file missing: {path}")
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest != expected:
                raise ChecksumError(
                    f"{what}: checksum mismatch for {path}",
                    hint=f"manifest says {expected}, file has {digest}",
                )

    # --- lookups ---------------------------------------------------------------------------

    def document(self, doc_id: str) -> DocumentInfo:
        try:
            return self.documents[doc_id]
        except KeyError:
            known = ", ".join(self.documents)
            raise NotFoundError(f"unknown document {doc_id!r}", hint=f"known documents: {known}") from None

    def versions(self) -> list[VersionInfo]:
        return [v for d in self.documents.values() for v in d.versions]

    def version(self, doc_id: str, version: str) -> VersionInfo:
        for v in self.document(doc_id).versions:
            if v.version == version:
                return v
        known = ", ".join(v.version for v in self.document(doc_id).versions) or "none"
        raise NotFoundError(f"{doc_id} has no version {version!r}", hint=f"versions held: {known}")

    def editions(self, work_id: str) -> list[DocumentInfo]:
        """The documents of a work, oldest first (by validity, then lineage)."""
        docs = [d for d in self.documents.values() if d.work == work_id]
        return sorted(docs, key=self._edition_key)

    def lineage(self, doc_id: str) -> list[DocumentInfo]:
        """The chain of documents this one supersedes, newest (itself) first."""
        chain, seen = [], set()
        current: str | None = doc_id
        while current and current not in seen and current in self.documents:
            seen.add(current)
            chain.append(self.documents[current])
            current = self.documents[current].supersedes
        return chain

    def _edition_key(self, d: DocumentInfo) -> tuple[date, int]:
        return (d.valid_from or date.min, len(self.lineage(d.id)))

    # --- point in time -----------------------------------------------------------------------

    def select(self, day: date | None = None) -> Selection:
        """The versions to read for a question about ``day`` (or about now when ``None``).

        With a date: every document in force on it (unknown bounds open) contributes its
        latest version dated on or before it. Without: each work contributes the latest
        version of its most recent edition whose text is held, every document outside a
        work its latest version; newer editions without text are reported as missing.
        """
        chosen: list[VersionInfo] = []
        missing: list[DocumentInfo] = []
        if day is not None:
            for d in self.documents.values():
                if not d.in_force_on(day):
                    continue
                dated = [v for v in d.versions if v.date <= day]
                if dated:
                    chosen.append(dated[-1])
                elif not d.versions:
                    missing.append(d)
            return Selection(date=day, versions=tuple(chosen), missing=tuple(missing))
        for work in self.works.values():
            editions = self.editions(work.id)
            held = [d for d in editions if d.has_text]
            if not held:
                missing.extend(editions[-1:])
                continue
            newest = held[-1]
            chosen.append(newest.versions[-1])
            newest_key = self._edition_key(newest)
            missing.extend(d for d in editions if not d.has_text and self._edition_key(d) > newest_key)
        for d in self.documents.values():
            if d.work is None and d.versions:
                chosen.append(d.versions[-1])
        return Selection(date=None, versions=tuple(chosen), missing=tuple(missing))
