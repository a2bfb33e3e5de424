"""What changed for an actor between two editions: competences that appear, disappear or
change wording, each with both quotes.

The curated sources say where each edition states a competence. Where a statement is
curated in only one of the two editions, the texts decide: its quote is looked for in the
other edition (:mod:`kennis.curate.align`); found, the competence is still there (with the
sentence found, marked ``aligned``), not found, it appeared or disappeared.
"""

from __future__ import annotations

from typing import Any

from kennis.curate.align import EditionAligner, same_words, wording
from kennis.curate.carry import edition_pair
from kennis.format import competence_sentence
from kennis.graph.abox import norm_text
from kennis.models import ActorChanges, ActorRef, Competence, CompetenceChange, ParsedVersion, SourceRef

_ORDER = {"nieuw": 0, "vervallen": 1, "gewijzigd": 2, "gelijk": 3}


def _in(sources: tuple[SourceRef, ...], version: ParsedVersion) -> list[SourceRef]:
    exact = [s for s in sources if s.doc == version.doc and s.version == version.version]
    return exact or [s for s in sources if s.doc == version.doc]


def _occurs(quote: str, version: ParsedVersion) -> SourceRef | None:
    q = norm_text(quote)
    for p in version.passages:
        if q in norm_text(p.text) or any(q in norm_text(fn.text) for fn in p.footnotes):
            return SourceRef(version.doc, version.version, p.ref, quote, p.id)
    return None


class _Aligners:
    def __init__(self, before: ParsedVersion, after: ParsedVersion) -> None:
        self.before, self.after = before, after
        self._cache: dict[bool, EditionAligner] = {}

    def get(self, forward: bool) -> EditionAligner:
        if forward not in self._cache:
            self._cache[forward] = (EditionAligner(self.before, self.after) if forward
                                    else EditionAligner(self.after, self.before))
        return self._cache[forward]


def _found(aligner: EditionAligner, src: SourceRef) -> tuple[SourceRef | None, float]:
    hit = aligner.locate(src.quote, src.ref)
    if hit is None:
        return None, 0.0
    t = aligner.target
    return SourceRef(t.doc, t.version, hit.sentence.ref, hit.sentence.text, hit.sentence.passage), hit.wording


def _status(a: str, b: str) -> str:
    return "gelijk" if same_words(a, b) else "gewijzigd"


def compare_competence(c: Competence, aligners: _Aligners) -> CompetenceChange | None:
    """One competence across the two editions, or ``None`` when neither states it."""
    before, after = _in(c.sources, aligners.before), _in(c.sources, aligners.after)
    label = competence_sentence(c)
    if before and after:
        # the same sentence may be curated on one side and a neighbour on the other:
        # what counts is whether the older words still stand in the newer text
        for b in before:
            if (kept := _occurs(b.quote, aligners.after)) is not None:
                return CompetenceChange(c.iri, label, "gelijk", b, kept, 1.0)
        b, a = max(((b, a) for b in before for a in after), key=lambda p: wording(p[0].quote, p[1].quote))
        sim = wording(b.quote, a.quote)
        return CompetenceChange(c.iri, label, _status(b.quote, a.quote), b, a, round(sim, 3))
    if not (before or after):
        return None
    # curated on one side only: look for its words on the other
    forward = bool(before)
    found, sim, own = max(((*_found(aligners.get(forward), s), s) for s in (before or after)), key=lambda x: x[1])
    if found is None:
        status = "vervallen" if forward else "nieuw"
        return CompetenceChange(c.iri, label, status, own if forward else None, None if forward else own, 0.0,
                                aligned=True)
    old, new = (own, found) if forward else (found, own)
    return CompetenceChange(c.iri, label, _status(old.quote, new.quote), old, new, round(sim, 3), aligned=True)


def actor_changes(actor: ActorRef, competences: list[Competence], corpus: Any, before: str, after: str) -> ActorChanges:
    """The competences of ``actor`` compared between ``before`` and ``after`` (``DOC`` or ``DOC/VERSION``)."""
    pv_before, pv_after = edition_pair(corpus, before, after)
    aligners = _Aligners(pv_before, pv_after)
    changes = [ch for c in competences if (ch := compare_competence(c, aligners)) is not None]
    changes.sort(key=lambda ch: (_ORDER[ch.status], ch.label))
    return ActorChanges(actor, pv_before.id, pv_after.id, tuple(changes))
