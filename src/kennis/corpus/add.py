"""``kennis corpus add``: official files into the user's corpus folder, with their manifest entries.

A source is recognised by its root element (BWB toestand, BWB WTI, BWB repository
manifest, officiële publicatie); identifier, title, kind and dates come from the file
itself, options supply what a file cannot say. Everything is read, parsed and checked
before anything is written; then the files are copied to canonical paths
(``bwb/<BWB-id>/<date>.xml``, ``bwb/<BWB-id>/<BWB-id>.WTI``,
``officiele-publicaties/<id>.xml``) and MANIFEST.toml is rewritten atomically with
comments and order kept. Any failure leaves the folder as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable

from kennis.config import Settings
from kennis.corpus import bwb, bwbmanifest, officiele, wti
from kennis.corpus.links import WETTEN, publication_url
from kennis.corpus.manifest import Manifest
from kennis.corpus.manifest_edit import ManifestEdit
from kennis.errors import ChecksumError, ConfigError, InvalidInputError, KennisError, ParseError
from kennis.models import AddedFile, AddResult
from kennis.progress import Progress

TOESTAND, WTI, REPO_MANIFEST, PUBLICATION, SRU = "bwb-toestand", "bwb-wti", "bwb-manifest", "officiele-publicatie", "sru"
#: Root elements → formats; a file whose root is not one of these is of an unknown format.
_ROOTS = {
    "toestand": TOESTAND, "wetstechnische-informatie": WTI, "work": REPO_MANIFEST,
    "officiele-publicatie": PUBLICATION, "searchRetrieveResponse": SRU, "record": SRU,
}
_ROOT = re.compile(rb"<([A-Za-z][\w.\-]*:)?([A-Za-z][\w.\-]*)[\s/>]")


@dataclass(frozen=True)
class Source:
    """One file to add: its bytes, where it came from, and its repository manifest if any."""

    name: str
    data: bytes
    repository: bwbmanifest.RepositoryManifest | None = None


@dataclass(frozen=True)
class Options:
    """What the files cannot say; ``work``, ``supersedes``, ``valid_to`` apply to one document."""

    work: str | None = None
    supersedes: str | None = None
    valid_to: date | None = None
    version_date: date | None = None
    kind: str | None = None


def sniff(data: bytes) -> str | None:
    """The format of an official file from its root element, or ``None``."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return None
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S).lstrip()
    m = _ROOT.match(body)
    return _ROOTS.get(m.group(2).decode()) if m else None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror}") from None


def collect(paths: Iterable[Path]) -> tuple[list[Source], list[AddedFile]]:
    """The sources named (files, repository folders, folders of them) and the files skipped."""
    sources: list[Source] = []
    skipped: list[AddedFile] = []
    for path in paths:
        if path.is_dir():
            _collect_dir(path, sources, skipped)
        elif path.is_file():
            data = _read(path)
            fmt = sniff(data)
            if fmt is None:
                raise ParseError(f"{path}: unknown format (expected BWB toestand, WTI or manifest XML, or an officiële publicatie)")
            if fmt == SRU:
                raise ParseError(f"{path}: an SRU search record, not a text", hint="use `kennis corpus updates --fetch`")
            if fmt == REPO_MANIFEST:
                _collect_dir(path.parent, sources, skipped)
                continue
            sources.append(Source(str(path), data))
        else:
            raise InvalidInputError(f"no such file or folder: {path}")
    return sources, skipped


def _in_repository_below(folder: Path, path: Path) -> bool:
    return any((p / "manifest.xml").is_file() for p in path.parents if p != folder and folder in p.parents)


def _collect_dir(folder: Path, sources: list[Source], skipped: list[AddedFile]) -> None:
    manifest_file = folder / "manifest.xml"
    repository = None
    if manifest_file.is_file():
        repository = bwbmanifest.parse_manifest(_read(manifest_file), str(manifest_file))
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path == manifest_file:
            continue
        if repository is None and _in_repository_below(folder, path):
            continue  # read with its own repository folder below
        data = _read(path)
        fmt = sniff(data)
        if fmt in (None, SRU, REPO_MANIFEST):
            skipped.append(AddedFile(str(path), fmt or "unknown", "", status="skipped",
                                     note="geen tekst van een regeling of publicatie"))
            continue
        sources.append(Source(str(path), data, repository))
    if repository is None:
        subs = sorted(p.parent for p in folder.rglob("manifest.xml") if p.parent != folder)
        for sub in subs:
            if not any(outer in sub.parents for outer in subs):
                _collect_dir(sub, sources, skipped)


# --- planning -----------------------------------------------------------------------------------


@dataclass
class _Plan:
    manifest: Manifest
    edit: ManifestEdit
    writes: dict[str, bytes] = field(default_factory=dict)  # canonical path → bytes
    #: files the writes replace (a newer WTI), with their old bytes to put back on failure
    replaced: dict[str, bytes] = field(default_factory=dict)
    files: list[AddedFile] = field(default_factory=list)
    new_docs: dict[str, tuple[dict[str, object], list[dict[str, object]]]] = field(default_factory=dict)
    doc_fields: dict[str, dict[str, object]] = field(default_factory=dict)
    new_versions: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    wti: dict[str, wti.Wti] = field(default_factory=dict)
    wti_bytes: dict[str, bytes] = field(default_factory=dict)

    def known(self, doc: str) -> bool:
        return doc in self.manifest.documents or doc in self.new_docs

    def place(self, rel: str, data: bytes, what: str) -> str:
        """Reserve ``rel`` for ``data``: ``added`` or ``unchanged``; a different file there is a conflict."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.manifest.root / rel
        if rel in self.writes and self.writes[rel] != data:
            raise ChecksumError(f"{what}: two different files would both become {rel}")
        if target.is_file():
            if hashlib.sha256(target.read_bytes()).hexdigest() != digest:
                raise ChecksumError(f"{what}: {target} already exists with other content (checksum conflict)",
                                    hint="remove it or its manifest entry first")
            return "unchanged"
        self.writes[rel] = data
        return "added"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _plan_toestand(plan: _Plan, src: Source, options: Options) -> None:
    root = bwb.load(src.data, src.name)
    meta = bwb.read_meta(root, src.name)
    version = meta.date.isoformat()
    bwb.parse_toestand(src.data, meta.bwb_id, version, src.name)  # refuse what cannot be read, now
    if src.repository is not None:
        if src.repository.bwb_id != meta.bwb_id:
            raise ChecksumError(f"{src.name} is {meta.bwb_id}, its folder's manifest.xml is of {src.repository.bwb_id}")
        src.repository.verify(Path(src.name).name, src.data)
    rel = f"bwb/{meta.bwb_id}/{version}.xml"
    digest = _sha(src.data)
    entry: dict[str, object] = {"date": version, "path": rel, "format": TOESTAND, "sha256": digest}
    status = "added"
    if meta.bwb_id in plan.manifest.documents:
        held = {v.version: v for v in plan.manifest.documents[meta.bwb_id].versions}
        if version in held:
            if held[version].sha256 != digest:
                raise ChecksumError(
                    f"{src.name}: the manifest already holds {meta.bwb_id} version {version} with another checksum",
                    hint=f"{held[version].path} ({held[version].format}); remove that entry to replace it")
            status = "unchanged"
        else:
            plan.place(rel, src.data, src.name)
            plan.new_versions.setdefault(meta.bwb_id, []).append(entry)
    elif meta.bwb_id in plan.new_docs:
        versions = plan.new_docs[meta.bwb_id][1]
        if any(v["date"] == version for v in versions):
            raise ChecksumError(f"{src.name}: two files of {meta.bwb_id} version {version}")
        plan.place(rel, src.data, src.name)
        versions.append(entry)
    else:
        plan.place(rel, src.data, src.name)
        repo = src.repository
        fields: dict[str, object] = {
            "id": meta.bwb_id, "kind": options.kind or meta.kind, "title": meta.title,
        }
        valid_from = (repo.in_force_from if repo else None) or meta.first_in_force
        if valid_from:
            fields["valid_from"] = valid_from
        if repo is not None and repo.end is not None:
            fields["valid_to"] = repo.end
        fields["url"] = f"{WETTEN}{meta.bwb_id}"
        plan.new_docs[meta.bwb_id] = (fields, [entry])
    plan.files.append(AddedFile(src.name, TOESTAND, meta.bwb_id, version, rel, status))


def _plan_wti(plan: _Plan, src: Source) -> None:
    parsed = wti.parse_wti(src.data, src.name)
    plan.wti[parsed.bwb_id] = parsed
    plan.wti_bytes[parsed.bwb_id] = src.data
    rel = f"bwb/{parsed.bwb_id}/{parsed.bwb_id}.WTI"
    plan.files.append(AddedFile(src.name, WTI, parsed.bwb_id, "", rel, "pending"))


def _plan_publication(plan: _Plan, src: Source, options: Options) -> None:
    root = officiele.load(src.data, src.name)
    meta = officiele.read_meta(root, src.name)
    day = options.version_date or meta.date
    if day is None:
        raise InvalidInputError(f"{src.name}: the publication does not state its date", hint="give --date YYYY-MM-DD")
    precision = "day" if options.version_date else meta.date_precision
    version = day.isoformat()
    officiele.parse_publication(src.data, meta.pub_id, version, src.name)
    rel = f"officiele-publicaties/{meta.pub_id}.xml"
    entry: dict[str, object] = {"date": version}
    if precision != "day":
        entry["date_precision"] = precision
    entry.update({"path": rel, "format": PUBLICATION, "sha256": _sha(src.data)})
    status = plan.place(rel, src.data, src.name)
    if meta.pub_id in plan.manifest.documents:
        held = {v.version: v for v in plan.manifest.documents[meta.pub_id].versions}
        if version in held and held[version].sha256 != entry["sha256"]:
            raise ChecksumError(f"{src.name}: the manifest already holds {meta.pub_id} version {version} with another checksum")
        if version not in held:
            plan.new_versions.setdefault(meta.pub_id, []).append(entry)
        else:
            status = "unchanged"
    else:
        fields: dict[str, object] = {"id": meta.pub_id, "kind": options.kind or meta.kind, "title": meta.title,
                                     "url": publication_url(meta.pub_id)}
        plan.new_docs[meta.pub_id] = (fields, [entry])
    plan.files.append(AddedFile(src.name, PUBLICATION, meta.pub_id, version, rel, status))


def _attach_wti(plan: _Plan) -> None:
    for doc, parsed in plan.wti.items():
        if not plan.known(doc):
            raise InvalidInputError(f"the WTI of {doc} belongs to no document of the corpus",
                                    hint="add its toestand in the same command or first")
        rel = f"bwb/{doc}/{doc}.WTI"
        data = next(s for s in plan.files if s.doc == doc and s.format == WTI)
        raw = plan.wti_bytes[doc]
        existing = plan.manifest.documents.get(doc)
        target = plan.manifest.root / rel
        if existing is not None and existing.wti == rel and existing.wti_sha256 != _sha(raw) and target.is_file():
            # the WTI is not versioned: a newer one replaces the one held
            plan.replaced[rel] = target.read_bytes()
            plan.writes[rel] = raw
            status = "updated"
        else:
            status = plan.place(rel, raw, data.source)
        fields: dict[str, object] = {"wti": rel, "wti_sha256": _sha(raw)}
        if parsed.abbreviations and not (existing and existing.abbreviations):
            fields["abbreviations"] = list(parsed.abbreviations)
        if existing is None:
            new_fields = plan.new_docs[doc][0]
            if parsed.abbreviations and "short_title" not in new_fields:
                new_fields["short_title"] = parsed.abbreviations[0]
            if parsed.authority and "issuer" not in new_fields:
                new_fields["issuer"] = parsed.authority
        elif existing.wti_sha256 == fields["wti_sha256"]:
            status = "unchanged"
            fields = {}
        if fields:
            plan.doc_fields.setdefault(doc, {}).update(fields)
        plan.files[plan.files.index(data)] = AddedFile(data.source, WTI, doc, "", rel, status)


def _apply_options(plan: _Plan, options: Options) -> None:
    chosen = {k: v for k, v in (("work", options.work), ("supersedes", options.supersedes),
                                ("valid_to", options.valid_to)) if v is not None}
    if not chosen:
        return
    docs = sorted({f.doc for f in plan.files if f.doc and f.format in (TOESTAND, PUBLICATION)})
    if len(docs) != 1:
        raise InvalidInputError("--work, --supersedes and --valid-to apply to one document",
                                hint=f"this command adds {len(docs)}: add them one by one")
    if options.work and options.work not in plan.manifest.works:
        raise InvalidInputError(f"unknown work {options.work!r}", hint="known works: " + ", ".join(plan.manifest.works))
    if options.supersedes and not plan.known(options.supersedes):
        raise InvalidInputError(f"--supersedes names an unknown document {options.supersedes!r}")
    plan.doc_fields.setdefault(docs[0], {}).update(chosen)


def _build_edit(plan: _Plan) -> None:
    for doc, (fields, versions) in plan.new_docs.items():
        extra = plan.doc_fields.pop(doc, {})
        merged = {**fields, **extra}
        order = ["id", "work", "kind", "title", "short_title", "issuer", "abbreviations", "valid_from",
                 "valid_to", "supersedes", "url", "wti", "wti_sha256"]
        ordered = {k: merged[k] for k in order if k in merged}
        ordered.update({k: v for k, v in merged.items() if k not in ordered})
        plan.edit.add_document(ordered, sorted(versions, key=lambda v: str(v["date"])))
    for doc, fields in plan.doc_fields.items():
        plan.edit.set_fields(doc, fields)
    for doc, versions in plan.new_versions.items():
        for v in sorted(versions, key=lambda v: str(v["date"])):
            plan.edit.add_version(doc, v)


# --- writing --------------------------------------------------------------------------------------


def _writable(path: Path) -> bool:
    """Write permission as the folder's owner meant it (mode bits count even for root)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return True
    return os.access(path, os.W_OK) and bool(stat.S_IMODE(mode) & 0o222)


def _check_writable(root: Path, rels: Iterable[str]) -> None:
    paths = [root, root / "MANIFEST.toml"]
    for rel in rels:
        parent = (root / rel).parent
        while parent != root and not parent.exists():
            parent = parent.parent
        paths.append(parent)
    for p in paths:
        if p.exists() and not _writable(p):
            raise ConfigError(f"the corpus folder is read-only: {p}",
                              hint="copy it and point KENNIS_CORPUS_DIR at the copy")


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_sources(settings: Settings, sources: list[Source], options: Options | None = None,
                skipped: list[AddedFile] | None = None, progress: Progress | None = None) -> AddResult:
    """Add ``sources`` to the corpus folder of ``settings``; all or nothing."""
    options = options or Options()
    progress = progress or Progress(quiet=True)
    root = settings.require_corpus()
    manifest_path = settings.manifest_path
    old_text = manifest_path.read_text(encoding="utf-8")
    manifest = Manifest.load(manifest_path, verify=False)
    plan = _Plan(manifest, ManifestEdit(old_text))
    for src in progress.bar(sources, total=len(sources), desc="reading official files"):
        fmt = sniff(src.data)
        if fmt == TOESTAND:
            _plan_toestand(plan, src, options)
        elif fmt == PUBLICATION:
            _plan_publication(plan, src, options)
        elif fmt == WTI:
            _plan_wti(plan, src)
        else:
            raise ParseError(f"{src.name}: unknown format")
    if not plan.files:
        raise InvalidInputError("no official texts found to add")
    _attach_wti(plan)
    _apply_options(plan, options)
    _build_edit(plan)
    files = tuple(plan.files) + tuple(skipped or ())
    if not plan.edit.changed and not plan.writes:
        return AddResult(files=files, manifest=str(manifest_path), changed=False)
    new_text, data = plan.edit.render()
    Manifest.from_dict(data, root=root)  # the new manifest must be valid as a whole
    _check_writable(root, plan.writes)
    written: list[str] = []

    def undo() -> None:
        for rel in written:
            if rel in plan.replaced:
                _write_atomic(root / rel, plan.replaced[rel])
            else:
                (root / rel).unlink(missing_ok=True)

    try:
        for rel, blob in plan.writes.items():
            _write_atomic(root / rel, blob)
            written.append(rel)
        _write_atomic(manifest_path, new_text.encode("utf-8"))
    except OSError as exc:
        undo()
        raise ConfigError(f"could not write to the corpus folder {root}: {exc.strerror}",
                          hint="nothing was changed") from None
    except BaseException:
        undo()
        raise
    progress.step(f"{len(plan.writes)} file(s) written, {manifest_path} updated")
    return AddResult(files=files, manifest=str(manifest_path), changed=True)


def add_paths(settings: Settings, paths: list[Path], options: Options | None = None,
              progress: Progress | None = None) -> AddResult:
    """``kennis corpus add PATH …``: files, repository folders and folders of them."""
    sources, skipped = collect(paths)
    return add_sources(settings, sources, options, skipped, progress)
