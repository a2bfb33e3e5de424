"""``kennis corpus updates``: which BWB documents of the manifest have newer toestanden.

Each BWB document of the manifest (with text or known by metadata only, like the 2026
circulaire) is looked up in the SRU search service; a toestand in force from a date after
the latest version held is an update. With ``fetch`` each update is downloaded with its
repository manifest (and WTI), its SHA-512 checked against the manifest's hash code, and
all of them are added in one all-or-nothing :func:`~kennis.corpus.add.add_sources`.
"""

from __future__ import annotations

from datetime import date

from kennis.config import Settings
from kennis.corpus.add import Source, add_sources
from kennis.corpus.bwbmanifest import parse_manifest
from kennis.corpus.links import BWB_ID
from kennis.corpus.manifest import Manifest
from kennis.corpus.sru import SruClient
from kennis.errors import ChecksumError
from kennis.models import AddResult, Update, UpdatesResult
from kennis.progress import Progress


def query_for(doc: str, since: date | None) -> str:
    """The CQL query for the toestanden of one regulation (changed since ``since``)."""
    q = f"dcterms.identifier=={doc}"
    return q + f" and dcterms.modified>={since.isoformat()}" if since else q


def check_updates(settings: Settings, since: date | None = None, fetch: bool = False,
                  progress: Progress | None = None) -> UpdatesResult:
    progress = progress or Progress(quiet=True)
    settings.require_corpus()
    manifest = Manifest.load(settings.manifest_path, verify=False)
    docs = [d for d in manifest.documents.values() if BWB_ID.match(d.id)]
    updates: list[Update] = []
    with SruClient(settings.sru_url, settings.download_timeout_s) as client:
        for d in progress.bar(docs, total=len(docs), desc="asking the SRU service"):
            held = d.versions[-1].date if d.versions else None
            seen: set[date] = set()
            for r in sorted(client.search(query_for(d.id, since)), key=lambda r: r.valid_from or date.min):
                if r.identifier != d.id or not r.toestand_url or r.valid_from is None or r.valid_from in seen:
                    continue
                if held is not None and r.valid_from <= held:
                    continue
                seen.add(r.valid_from)
                updates.append(Update(d.id, r.title or d.label, r.valid_from, r.valid_to,
                                      held.isoformat() if held else "", r.toestand_url, r.manifest_url, r.wti_url))
        added: AddResult | None = None
        if fetch and updates:
            sources: list[Source] = []
            wti_done: set[str] = set()
            for u in progress.bar(updates, total=len(updates), desc="downloading toestanden"):
                if not u.manifest_url:
                    raise ChecksumError(f"{u.doc} {u.valid_from}: the SRU record names no repository manifest",
                                        hint="without its hash code the file cannot be verified; nothing was added")
                repository = parse_manifest(client.get(u.manifest_url), u.manifest_url)
                data = client.get(u.toestand_url)
                repository.verify(u.toestand_url.rsplit("/", 1)[-1], data)
                sources.append(Source(u.toestand_url, data, repository))
                if u.wti_url and u.doc not in wti_done:
                    sources.append(Source(u.wti_url, client.get(u.wti_url)))
                    wti_done.add(u.doc)
            added = add_sources(settings, sources, progress=progress)
            updates = [Update(**{**u.__dict__, "status": "added"}) for u in updates]
    return UpdatesResult(since=since, checked=tuple(d.id for d in docs), updates=tuple(updates), added=added)
