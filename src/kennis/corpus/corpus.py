"""The structured corpus: every parsed version, with point-in-time access to passages."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from kennis.config import Settings
from kennis.corpus.manifest import Manifest
from kennis.corpus.markdown import parse_markdown
from kennis.corpus.plain import parse_plain
from kennis.corpus.references import ReferenceResolver
from kennis.errors import NotBuiltError, NotFoundError, ParseError
from kennis.models import Footnote, LegalBasis, ParsedVersion, Passage, Reference, Section, Selection, VersionInfo
from kennis.progress import Progress

FORMAT_VERSION = 1


def norm_ref(ref: str) -> str:
    """Citation refs compare case- and space-insensitively (``Artikel  16`` = ``artikel 16``)."""
    return " ".join(ref.lower().split())


def ref_within(ref: str, unit: str) -> bool:
    """``artikel 16 lid 1`` lies within ``artikel 16``; ``4.2.1`` does not lie within ``4.2``."""
    r, u = norm_ref(ref), norm_ref(unit)
    return r == u or r.startswith(u + " ")


def parse_version(manifest: Manifest, info: VersionInfo) -> ParsedVersion:
    """Parse one version's text file according to its format."""
    path = manifest.root / info.path
    if info.format in ("bwb-toestand", "officiele-publicatie"):
        from kennis.corpus import bwb, officiele

        reader = bwb.parse_toestand if info.format == "bwb-toestand" else officiele.parse_publication
        return reader(path.read_bytes(), info.doc, info.version, f"{info.doc} {info.version} ({path})")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{info.doc} {info.version}: {path} is not UTF-8") from exc
    if info.format == "laws-markdown":
        return parse_markdown(text, info.doc, info.version)
    return parse_plain(text, info.doc, info.version, manifest.document(info.doc).title)


@dataclass
class Corpus:
    """Parsed versions keyed ``doc/version``, with the manifest that describes them."""

    manifest: Manifest
    versions: dict[str, ParsedVersion]
    #: Dated legal-basis relations from the WTI files of the manifest's documents.
    legal_bases: tuple[LegalBasis, ...] = ()
    _by_id: dict[str, Passage] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {p.id: p for v in self.versions.values() for p in v.passages}

    # --- access --------------------------------------------------------------------------------

    def select(self, day: date | None = None) -> Selection:
        return self.manifest.select(day)

    def passages(self, selection: Selection | None = None) -> list[Passage]:
        """Passages of the selected versions (all versions when ``selection`` is None)."""
        keys: Iterable[str] = self.versions if selection is None else [v.id for v in selection.versions]
        return [p for k in keys if k in self.versions for p in self.versions[k].passages]

    def passage(self, pid: str) -> Passage:
        try:
            return self._by_id[pid]
        except KeyError:
            raise NotFoundError(f"unknown passage {pid!r}") from None

    def has_passage(self, pid: str) -> bool:
        return pid in self._by_id

    def version_for(self, doc: str, version: str | None = None, day: date | None = None) -> ParsedVersion:
        """The version to read of ``doc``: the one named, the one selected for ``day``, or the latest."""
        info = self.manifest.document(doc)
        if not info.versions:
            raise NotFoundError(
                f"the text of {doc} ({info.label}) is not in the corpus",
                hint=f"it is known by its metadata only{': ' + info.url if info.url else ''}",
            )
        if version is not None:
            chosen = self.manifest.version(doc, version)
        elif day is not None:
            held = [v for v in info.versions if v.date <= day]
            if not held or not info.in_force_on(day):
                raise NotFoundError(f"{doc} ({info.label}) had no version in force on {day.isoformat()}")
            chosen = held[-1]
        else:
            chosen = info.versions[-1]
        return self.versions[chosen.id]

    def unit(self, doc: str, ref: str, version: str | None = None, day: date | None = None) -> list[Passage]:
        """The passages of a citation unit (``artikel 16`` includes its members)."""
        pv = self.version_for(doc, version, day)
        found = [p for p in pv.passages if ref_within(p.ref, ref)]
        if not found:
            near = sorted({p.ref for p in pv.passages if norm_ref(ref).split(" ")[0] in p.ref.lower()})[:8]
            raise NotFoundError(
                f"{doc} {pv.version} has no passage {ref!r}",
                hint=("did you mean: " + ", ".join(near)) if near else f"see `kennis corpus toc {doc}`",
            )
        return found

    def sections(self, doc: str, version: str | None = None, day: date | None = None) -> tuple[Section, ...]:
        return self.version_for(doc, version, day).sections

    def stats(self) -> dict[str, Any]:
        docs: list[dict[str, Any]] = []
        for d in self.manifest.documents.values():
            versions: list[dict[str, Any]] = []
            for v in d.versions:
                pv = self.versions[v.id]
                versions.append(
                    {
                        "version": v.version,
                        "sections": sum(1 for s in pv.sections if s.number),
                        "unnumbered_sections": sum(1 for s in pv.sections if not s.number),
                        "passages": len(pv.passages),
                        "references": sum(len(p.references) for p in pv.passages),
                        "resolved_references": sum(1 for p in pv.passages for r in p.references if r.target_doc),
                        "footnotes": sum(len(p.footnotes) for p in pv.passages),
                    }
                )
            docs.append({"id": d.id, "kind": d.kind, "title": d.label, "work": d.work, "has_text": d.has_text, "versions": versions})
        all_versions = [v for d in docs for v in d["versions"]]
        return {
            "documents": len(docs),
            "documents_with_text": sum(1 for d in docs if d["has_text"]),
            "versions": len(all_versions),
            "sections": sum(v["sections"] for v in all_versions),
            "passages": sum(v["passages"] for v in all_versions),
            "references": sum(v["references"] for v in all_versions),
            "per_document": docs,
        }

    # --- persistence -------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write ``corpus.json`` atomically (temporary file + rename)."""
        payload = {
            "format": FORMAT_VERSION,
            "corpus_dir": str(self.manifest.root),
            "versions": [v.to_dict() for v in self.versions.values()],
            "legal_bases": [b.to_dict() for b in self.legal_bases],
        }
        atomic_write_text(path, json.dumps(payload, ensure_ascii=False))

    @classmethod
    def load(cls, path: Path, manifest: Manifest) -> "Corpus":
        if not path.is_file():
            raise NotBuiltError(f"no structured corpus at {path}")
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT_VERSION:
            raise NotBuiltError(f"{path} was written by another version of kennis", hint="run `kennis build` again")
        versions = {}
        for raw in data["versions"]:
            pv = _version_from_dict(raw)
            versions[pv.id] = pv
        bases = tuple(_legal_basis_from_dict(b) for b in data.get("legal_bases", ()))
        return cls(manifest=manifest, versions=versions, legal_bases=bases)


def _version_from_dict(raw: dict[str, Any]) -> ParsedVersion:
    sections = tuple(Section(**{**s, "path": tuple(s["path"])}) for s in raw["sections"])
    passages = tuple(
        Passage(
            **{
                **p,
                "path": tuple(p["path"]),
                "footnotes": tuple(Footnote(**f) for f in p["footnotes"]),
                "references": tuple(Reference(**r) for r in p["references"]),
            }
        )
        for p in raw["passages"]
    )
    return ParsedVersion(doc=raw["doc"], version=raw["version"], title=raw["title"], sections=sections, passages=passages)


def _legal_basis_from_dict(raw: dict[str, Any]) -> LegalBasis:
    days = {k: date.fromisoformat(raw[k]) if raw.get(k) else None for k in ("valid_from", "valid_to")}
    return LegalBasis(**{**raw, **days})


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ingest(settings: Settings, progress: Progress | None = None, *, manifest: Manifest | None = None) -> Corpus:
    """Read the manifest (checksums verified) and parse every version it holds."""
    progress = progress or Progress(quiet=True)
    settings.require_corpus()
    if manifest is None:
        progress.step(f"reading {settings.manifest_path}")
        manifest = Manifest.load(settings.manifest_path)
    from kennis.corpus.links import citation_url
    from kennis.corpus.wti import parse_wti

    resolver = ReferenceResolver(manifest.documents)
    versions: dict[str, ParsedVersion] = {}
    infos = manifest.versions()
    for info in progress.bar(infos, total=len(infos), desc="parsing versions"):
        pv = parse_version(manifest, info)
        doc = manifest.document(info.doc)
        passages = tuple(
            replace(a, url=citation_url(a.doc, a.version, a.ref, a.jci, doc))
            for a in (resolver.annotate(p) for p in pv.passages)
        )
        versions[pv.id] = ParsedVersion(pv.doc, pv.version, pv.title, pv.sections, passages)
    bases: list[LegalBasis] = []
    for d in manifest.documents.values():
        if d.wti:
            path = manifest.root / d.wti
            bases += parse_wti(path.read_bytes(), f"{d.id} WTI ({path})").relations
    return Corpus(manifest=manifest, versions=versions, legal_bases=tuple(bases))
