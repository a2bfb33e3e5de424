"""Curation lint: mechanical checks that a statement says what its quotes say.

The build validates that every quote occurs verbatim in its passage; that does not show
that the structured fields of the statement read the quote right. These checks catch
the misreadings a legal reader notices at once:

- ``modality``: a modal verb (*kan, mag, kunnen*) in the main clause of a quote, or
  anywhere in the label, while the statement has no modality, so it reads as unconditional;
- ``actor-not-named``: none of the quotes names the actor (nor a member of a collective
  actor, nor the post that holds its function);
- ``passive-counterpart``: the quotes name the actor only as the counterpart of a
  passive sentence (*worden afgestemd met X*, *wordt gemeld aan X*) while the statement
  makes it the agent;
- ``exception``: the quoted sentence or the next one carries an exception or proviso
  (*tenzij*, *met uitzondering van*, *behalve*, *niet voor*, *pilot*) that the
  statement's condition does not render;
- ``edition-name``: a source in an edition that does not name the actor (or the
  addressee, or on whose behalf it acts) but names its predecessor or successor (the
  NCTV cited from the 2008 text, which has the NCTb);
- ``shared-minister``: one minister as actor, mandator or in the condition where the
  quote names a shared or generic one (*de verantwoordelijke bewindspersoon*, *de
  ministers ... gezamenlijk*);
- ``unknown-id``: an actor, addressee, principal, action, object or domain that names no
  individual of the ABox (the graph would silently drop the edge).

A ``modality`` of *kan* or *mag* whose label has no modal verb is a finding as well: the
label is what answers repeat.

A curator who has read the passage and found a finding not to apply records that in
the statement (``lint_ok = { kind = "reason" }``); the reason is required.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kennis.errors import NotFoundError
from kennis.graph.abox import Curation, Resolution, SourceSpec, norm_text, resolve_sources
from kennis.graph.assemble import MentionLinker, lexicon_from_curation
from kennis.graph.vocab import actor_iri
from kennis.models import LintFinding

KINDS: dict[str, str] = {
    "modality": "modal verb in a quote or the label, but no modality",
    "actor-not-named": "no quote names the actor",
    "passive-counterpart": "the actor is named only as the counterpart of a passive sentence",
    "exception": "exception or proviso near the quote, not rendered in the condition",
    "edition-name": "source in an edition where the actor had another name",
    "shared-minister": "one minister where the text names a shared or generic one",
    "unknown-id": "a field names an actor or concept the ABox does not define",
}

_MODAL = re.compile(r"\b(kan|kunnen|mag|mogen|kon|konden|mocht|mochten)\b", re.IGNORECASE)
# A modal verb after one of these in its clause belongs to a subordinate clause (a
# condition, a purpose, a relative clause), not to what the actor is said to do.
_SUBORDINATORS = frozenset(
    "als indien wanneer zodat dat die waarin waarmee waarbij waardoor waarvoor opdat hoeverre of omdat "
    "zodra nadat voordat alvorens welke wie wat hetgeen tenzij waar waarvan mits zolang totdat".split()
)
# Parentheses are no boundary: "(spoed)maatregelen" and "(zo nodig spoedshalve)" sit inside a clause.
_CLAUSE_BOUNDARY = re.compile(r"[,;:\u2013\u2014]|(?<=[.!?])\s")
_EXCEPTION = re.compile(
    r"\b(tenzij|met uitzondering van|behalve|behoudens|uitgezonderd|niet voor|pilot)\b", re.IGNORECASE
)
# "behalve X ook Y" adds, it does not except.
_ADDITIVE = re.compile(r"^\s*behalve\b[^.;]{0,80}?\book\b", re.IGNORECASE)
# Words by which a condition renders an exception or proviso.
_EXCEPTION_RENDERED = re.compile(
    r"\b(tenzij|uitzondering|behalve|behoudens|uitgezonderd|niet|pilot|geen|alleen|slechts)\b", re.IGNORECASE
)
_PASSIVE = re.compile(r"\b(wordt|worden|werd|werden)\b", re.IGNORECASE)
_COUNTERPART_BEFORE = re.compile(r"\b(met|aan|bij|naar)\s+(?:de|het|den|een|deze|die)?\s*$", re.IGNORECASE)
_GENERIC_MINISTER = re.compile(
    r"\b(bewindspersoon|bewindspersonen|betrokken minister|vakminister|ministers|gezamenlijk)\b", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u00c0-\u00dd(\u201c\"'])")
# Actions whose actor is the one acted upon, so a counterpart position is its role.
_RECEIVING_ACTIONS = frozenset({"be-informed"})


@dataclass(frozen=True)
class _Owner:
    kind: str  # "competence" or "mandate"
    id: str
    actors: tuple[str, ...]  # the actors the statement makes agents
    parties: tuple[str, ...]  # every actor it names: agents, addressee, on whose behalf
    label: str
    condition: str
    modality: str
    action: str
    sources: tuple[SourceSpec, ...]
    ok: frozenset[str]


def lint_curation(curation: Curation, corpus: Any, resolution: Resolution | None = None) -> list[LintFinding]:
    """All findings of every check on every competence statement and mandate."""
    resolution = resolution or resolve_sources(curation, corpus)
    ctx = _Context(curation, corpus, resolution)
    findings: list[LintFinding] = []
    for owner in ctx.owners():
        for check in (_unknown, _modality, _named, _exception, _edition, _shared_minister):
            findings += [f for f in check(ctx, owner) if f.kind not in owner.ok]
    return findings


def lint_summary(findings: Iterable[LintFinding]) -> dict[str, int]:
    """Number of findings of each kind (every kind listed, zero included)."""
    counts = dict.fromkeys(KINDS, 0)
    for f in findings:
        counts[f.kind] += 1
    return counts


class _Context:
    def __init__(self, curation: Curation, corpus: Any, resolution: Resolution) -> None:
        self.curation = curation
        self.corpus = corpus
        self.resolution = resolution
        self.actors = {a.id: a for a in curation.actors}
        self.competences = {c.id: c for c in curation.competences}
        self._names = _NameFinder(curation)
        self._mentioned: dict[tuple[str, str], set[str]] = {}
        self.ministers = {a.id for a in curation.actors if a.type == "Functionary" and a.nl.lower().startswith("minister van")}

    def owners(self) -> list[_Owner]:
        out = [
            _Owner("competence", c.id, (c.actor,), tuple(a for a in (c.actor, c.addressee, c.on_behalf_of) if a), c.label, c.condition, c.modality, c.action, c.sources,
                   frozenset(k for k, _ in c.lint_ok))
            for c in self.curation.competences
        ]
        out += [
            _Owner("mandate", m.id, (m.mandator, m.mandatary), (m.mandator, m.mandatary), m.label, "", "", "mandate", m.sources,
                   frozenset(k for k, _ in m.lint_ok))
            for m in self.curation.mandates
        ]
        return out

    def names(self, text: str) -> list[tuple[int, int, set[str]]]:
        return self._names.spans(text)

    def stands_for(self, actor: str) -> set[str]:
        """The actor, the members of a collective actor and the post that holds its function."""
        a = self.actors.get(actor)
        if a is None:
            return {actor}
        return {actor, *a.member, *([a.held_by] if a.held_by else [])}

    def lineage(self, actor: str) -> set[str]:
        """Predecessors and successors of the actor (transitively), the actor excluded."""
        nxt: dict[str, set[str]] = {}
        for a in self.curation.actors:
            if a.succeeded_by:
                nxt.setdefault(a.id, set()).add(a.succeeded_by)
                nxt.setdefault(a.succeeded_by, set()).add(a.id)
        seen, todo = {actor}, [actor]
        while todo:
            for n in nxt.get(todo.pop(), ()):
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        return seen - {actor}

    def mentioned_in(self, doc: str, version: str) -> set[str]:
        key = (doc, version)
        if key not in self._mentioned:
            found: set[str] = set()
            for pv in self.corpus.versions.values():
                if pv.doc == doc and pv.version == version:
                    for p in pv.passages:
                        for text in (p.text, *(fn.text for fn in p.footnotes)):
                            for _s, _e, ids in self.names(text):
                                found |= ids
            self._mentioned[key] = found
        return self._mentioned[key]

    def unit_texts(self, doc: str, ref: str) -> list[str]:
        """The texts of a cited unit in every version held (none when it is not in the corpus)."""
        out = []
        for version in sorted({pv.version for pv in self.corpus.versions.values() if pv.doc == doc}):
            try:
                out += [p.text for p in self.corpus.unit(doc, ref, version)]
            except NotFoundError:
                continue
        return out

    def context_of(self, owner: str, quote: str, doc: str = "") -> str:
        """The sentence(s) holding the quote plus the next sentence, from its passage."""
        q = norm_text(quote)
        for src in self.resolution.sources.get(owner, []):
            if src.quote != quote or (doc and src.doc != doc):
                continue
            passage = self.corpus.passage(src.passage)
            for text in (passage.text, *(fn.text for fn in passage.footnotes)):
                t = norm_text(text)
                i = t.find(q)
                if i < 0:
                    continue
                start = max((m.end() for m in _SENTENCE_END.finditer(t, 0, i)), default=0)
                ends = [m.start() for m in _SENTENCE_END.finditer(t, i + len(q))]
                end = ends[1] if len(ends) > 1 else len(t)
                return t[start:end]
        return q


class _NameFinder:
    """Where a text names an actor: (start, end, actor ids), in text order.

    The surface forms and inflections are those of the mention linker; case matters only
    for short abbreviations ("OM", "DI"), because the texts capitalise titles freely
    ("de Minister van BZK") and a check must not miss a name for that.
    """

    def __init__(self, curation: Curation) -> None:
        by_iri = {str(actor_iri(a.id)): a.id for a in curation.actors}
        self._cs: dict[str, set[str]] = {}
        self._ci: dict[str, set[str]] = {}
        for e in lexicon_from_curation(curation):
            if e.iri in by_iri:
                table, key = (self._cs, e.term) if len(e.term) <= 5 else (self._ci, e.term.lower())
                table.setdefault(key, set()).add(by_iri[e.iri])
        suffix = MentionLinker._SUFFIX
        self._re: list[tuple[re.Pattern[str] | None, dict[str, set[str]], Callable[[str], str]]] = [
            (self._compile(self._cs, 0, suffix), self._cs, str),
            (self._compile(self._ci, re.IGNORECASE, suffix), self._ci, str.lower),
        ]

    @staticmethod
    def _compile(terms: dict[str, set[str]], flags: int, suffix: str) -> re.Pattern[str] | None:
        if not terms:
            return None
        alts = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        return re.compile(rf"(?<![\w&-])({alts}){suffix}(?![\w&])", flags)

    def spans(self, text: str) -> list[tuple[int, int, set[str]]]:
        found = sorted(((m.start(), m.end(), table.get(key(m.group(1)), set()))
                        for pattern, table, key in self._re if pattern for m in pattern.finditer(text)),
                       key=lambda s: (s[0], -s[1]))
        # the two patterns overlap ("BB&C" inside "beleidsmedewerker BB&C"): keep the longest
        out: list[tuple[int, int, set[str]]] = []
        for span in found:
            if out and span[1] <= out[-1][1]:
                continue
            out.append(span)
        return out


def _finding(kind: str, owner: _Owner, message: str, src: SourceSpec | None = None) -> LintFinding:
    return LintFinding(kind, owner.id, message, src.doc if src else "", src.ref if src else "")


def main_clause_modals(text: str) -> list[str]:
    """The modal verbs of ``text`` that are not inside a subordinate clause."""
    out = []
    for m in _MODAL.finditer(text):
        start = max((b.end() for b in _CLAUSE_BOUNDARY.finditer(text, 0, m.start())), default=0)
        words = re.findall(r"\w+", text[start:m.start()].lower())
        if not _SUBORDINATORS.intersection(words):
            out.append(m.group(1))
    return out


def _unknown(ctx: _Context, owner: _Owner) -> list[LintFinding]:
    known = ctx.curation.actor_ids | ctx.curation.concept_ids
    named = {"actor/addressee/principal": owner.parties}
    if owner.kind == "competence":
        c = ctx.competences[owner.id]
        named["action/object/domain"] = tuple(x for x in (c.action, c.object, c.domain) if x)
    return [_finding("unknown-id", owner, f"{field} {x!r} is not defined in the ABox")
            for field, ids in named.items() for x in ids if x not in known]


def _modality(ctx: _Context, owner: _Owner) -> list[LintFinding]:
    if owner.kind != "competence":
        return []
    if owner.modality:
        if owner.modality in ("kan", "mag") and not main_clause_modals(owner.label):
            return [_finding("modality", owner, f"modality {owner.modality!r}, but the label has no modal verb: {owner.label}")]
        return []
    # Any modal verb of the label counts, a subordinate one too: answers repeat the label,
    # its reader cannot tell whose "kan" it is, and a curator can always word it without one.
    if m := _MODAL.search(owner.label):
        return [_finding("modality", owner, f"label says {m.group(1)!r}: {owner.label}")]
    for s in owner.sources:
        modals = main_clause_modals(s.quote)
        if modals:
            return [_finding("modality", owner, f"quote says {modals[0]!r}: \u201c{_short(s.quote)}\u201d", s)]
    return []


def _named(ctx: _Context, owner: _Owner) -> list[LintFinding]:
    findings = []
    for actor in owner.actors:
        wanted = ctx.stands_for(actor)
        named = counterpart = False
        for s in owner.sources:
            passive = bool(_PASSIVE.search(s.quote))
            for start, _end, ids in ctx.names(s.quote):
                if not ids & wanted:
                    continue
                if passive and _COUNTERPART_BEFORE.search(s.quote[max(0, start - 20):start]):
                    counterpart = True
                else:
                    named = True
        if named:
            continue
        if counterpart and owner.action not in _RECEIVING_ACTIONS and actor == owner.actors[0]:
            findings.append(_finding("passive-counterpart", owner,
                                     f"{actor!r} is named only as the counterpart of a passive sentence"))
        elif not counterpart:
            findings.append(_finding("actor-not-named", owner, f"no quote names {actor!r}"))
    return findings


def _exception(ctx: _Context, owner: _Owner) -> list[LintFinding]:
    if owner.kind != "competence" or _EXCEPTION_RENDERED.search(owner.condition):
        return []
    for s in owner.sources:
        text = ctx.context_of(owner.id, s.quote, s.doc)
        m = next((m for m in _EXCEPTION.finditer(text) if not _ADDITIVE.match(text[m.start():])), None)
        if m:
            return [_finding("exception", owner,
                             f"{m.group(1)!r} near \u201c{_short(s.quote)}\u201d but the condition is "
                             f"{owner.condition or 'empty'!r}", s)]
    return []


def _edition(ctx: _Context, owner: _Owner) -> list[LintFinding]:
    findings = []
    for actor in owner.parties:
        related = ctx.lineage(actor)
        if not related:
            continue
        for src in ctx.resolution.sources.get(owner.id, []):
            here = ctx.mentioned_in(src.doc, src.version)
            other = related & here
            if actor not in here and other:
                findings.append(LintFinding(
                    "edition-name", owner.id,
                    f"{src.doc} {src.version} does not name {actor!r} but names {', '.join(sorted(other))}",
                    src.doc, src.ref))
                break
    return findings


def _shared_minister(ctx: _Context, owner: _Owner) -> list[LintFinding]:
    findings = []
    for actor in owner.actors:
        if actor not in ctx.ministers:
            continue
        for s in owner.sources:
            names_minister = any(actor in ids for _s, _e, ids in ctx.names(s.quote))
            m = _GENERIC_MINISTER.search(s.quote)
            if m and not names_minister:
                findings.append(_finding("shared-minister", owner,
                                         f"{actor!r}, but the quote says {m.group(1)!r}: \u201c{_short(s.quote)}\u201d", s))
                break
    if owner.kind == "competence" and set(owner.actors) & ctx.ministers and not _GENERIC_MINISTER.search(owner.condition):
        # the legal basis itself may give the power to ministers jointly (Wiv 2002, art. 6)
        for doc, ref in ctx.competences[owner.id].legal_basis:
            m = next((m for text in ctx.unit_texts(doc, ref) if (m := _GENERIC_MINISTER.search(text))), None)
            if m:
                findings.append(LintFinding("shared-minister", owner.id,
                                            f"one minister, but the legal basis {doc} {ref} says {m.group(1)!r}", doc, ref))
                break
    named_in_condition = {i for _s, _e, ids in ctx.names(owner.condition) for i in ids} & ctx.ministers
    if named_in_condition and not _GENERIC_MINISTER.search(owner.condition):
        for s in owner.sources:
            m = _GENERIC_MINISTER.search(s.quote)
            if m:
                findings.append(_finding("shared-minister", owner,
                                         f"the condition names one minister, the quote says {m.group(1)!r}: "
                                         f"\u201c{_short(s.quote)}\u201d", s))
                break
    return findings


def _short(text: str, n: int = 90) -> str:
    text = norm_text(text)
    return text if len(text) <= n else text[: n - 1] + "\u2026"
