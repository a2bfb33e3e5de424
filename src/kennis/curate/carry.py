"""Carry curated statements over to a newer edition: where does it state them?

For every curated competence statement and mandate with a source in the older edition,
each of its quotes there is located in the newer edition (:mod:`kennis.curate.align`);
the best-matching one is the statement's carried source. Sources the statement already
has in the newer edition are ignored: the texts alone decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from kennis.corpus.corpus import norm_ref
from kennis.curate.align import EditionAligner, Located, carry_status
from kennis.errors import InvalidInputError
from kennis.graph.abox import Curation, resolve_sources
from kennis.models import CarriedStatement, ParsedVersion, SourceRef


@dataclass(frozen=True)
class Owner:
    """A statement or mandate with its sources (doc, version, ref, quote, passage)."""

    id: str
    kind: str  # "competence" or "mandate"
    sources: tuple[SourceRef, ...]


def curated_owners(curation: Curation, corpus: Any) -> list[Owner]:
    """Every curated statement and mandate with its sources resolved to passages.

    A source that does not resolve (the build would fail on it) is left out here.
    """
    resolution = resolve_sources(curation, corpus)
    kinds = [("competence", c.id) for c in curation.competences] + [("mandate", m.id) for m in curation.mandates]
    out = []
    for kind, oid in kinds:
        srcs = tuple(SourceRef(s.doc, s.version, s.passage_ref, s.quote, s.passage)
                     for s in resolution.sources.get(oid, []))
        out.append(Owner(oid, kind, srcs))
    return out


def edition_pair(corpus: Any, from_doc: str, to_doc: str) -> tuple[ParsedVersion, ParsedVersion]:
    """The versions compared: ``DOC`` (its latest version) or ``DOC/VERSION`` on each side."""
    def version(spec: str) -> ParsedVersion:
        doc, _, ver = spec.partition("/")
        return corpus.version_for(doc, ver or None)

    source, target = version(from_doc), version(to_doc)
    if source.id == target.id:
        raise InvalidInputError(f"--from and --to name the same version ({source.id})")
    return source, target


def carry_sources(aligner: EditionAligner, sources: list[SourceRef]) -> tuple[SourceRef, Located | None, float]:
    """The best-carried of ``sources`` (quotes in the aligner's source version)."""
    best: tuple[SourceRef, Located | None, float] | None = None
    for src in sources:
        cands = aligner.candidates(src.quote, src.ref, k=1)
        top = cands[0] if cands else None
        sim = top.similarity if top else 0.0
        if best is None or sim > best[2]:
            best = (src, top, sim)
    assert best is not None
    return best


def carry(
    owners: list[Owner], source: ParsedVersion, target: ParsedVersion,
    progress: Callable[[str], None] | None = None,
) -> list[CarriedStatement]:
    """One :class:`CarriedStatement` per owner with a source in ``source``'s document."""
    from kennis.curate.align import MIN_SIMILARITY

    if progress:
        progress(f"aligning {source.id} with {target.id}")
    aligner = EditionAligner(source, target)
    out = []
    for owner in owners:
        srcs = _sources_in(owner.sources, source)
        if not srcs:
            continue
        src, found, sim = carry_sources(aligner, srcs)
        if found is not None and found.similarity < MIN_SIMILARITY:
            found = None
        to = None
        if found is not None:
            s = found.sentence
            to = SourceRef(target.doc, target.version, s.ref, s.text, s.passage)
        out.append(CarriedStatement(owner.id, owner.kind, src, to, carry_status(src.ref, src.quote, found),
                                    round(sim, 3)))
    return out


def _sources_in(sources: tuple[SourceRef, ...], version: ParsedVersion) -> list[SourceRef]:
    """The sources in ``version``; a source curated for another version of the same document
    counts when no source names this one (quotes without a version resolve in each)."""
    exact = [s for s in sources if s.doc == version.doc and s.version == version.version]
    if exact:
        return _dedupe(exact)
    return _dedupe([s for s in sources if s.doc == version.doc])


def _dedupe(sources: list[SourceRef]) -> list[SourceRef]:
    seen: set[tuple[str, str]] = set()
    out = []
    for s in sources:
        key = (norm_ref(s.ref), s.quote)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out
