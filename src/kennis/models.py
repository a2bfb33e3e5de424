"""Typed, frozen records exchanged between the layers of kennis.

ingest (corpus) → graph → index → answer → interfaces all speak these types; their
``to_dict`` methods give the JSON shapes of the CLI and the HTTP API.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from kennis import ids


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class _Record:
    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))  # type: ignore[call-overload]


# --- corpus: manifest ------------------------------------------------------------------


@dataclass(frozen=True)
class Work(_Record):
    """A regulation across its editions (e.g. the circulaire 2004…2026)."""

    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class VersionInfo(_Record):
    """One consolidated text of a document that the corpus holds."""

    doc: str
    date: date
    path: str
    format: str
    sha256: str
    date_precision: str = "day"

    @property
    def id(self) -> str:
        return ids.version_id(self.doc, self.version)

    @property
    def version(self) -> str:
        """The version label used in citations: its ISO date."""
        return self.date.isoformat()


@dataclass(frozen=True)
class DocumentInfo(_Record):
    """One edition/regulation of the manifest; ``versions`` empty when known by metadata only."""

    id: str
    kind: str
    title: str
    short_title: str = ""
    work: str | None = None
    issuer: str = ""
    identifier: str = ""
    publication: str = ""
    url: str = ""
    about: str | None = None
    note: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    supersedes: str | None = None
    versions: tuple[VersionInfo, ...] = ()
    abbreviations: tuple[str, ...] = ()
    #: The BWB *wetstechnische informatie* held for it (path in the corpus folder) and its sha256.
    wti: str = ""
    wti_sha256: str = ""

    @property
    def has_text(self) -> bool:
        return bool(self.versions)

    @property
    def label(self) -> str:
        return self.short_title or self.title

    def in_force_on(self, day: date) -> bool:
        """Open bounds count as in force."""
        if self.valid_from and day < self.valid_from:
            return False
        if self.valid_to and day > self.valid_to:
            return False
        return True


@dataclass(frozen=True)
class Selection(_Record):
    """The versions a point-in-time question reads, and what is missing from the corpus.

    ``missing`` lists documents that apply (in force on ``date``, or newer editions than
    the one selected when no date is given) but whose text the corpus does not hold.
    """

    date: date | None
    versions: tuple[VersionInfo, ...]
    missing: tuple[DocumentInfo, ...] = ()

    @property
    def version_ids(self) -> frozenset[str]:
        return frozenset(v.id for v in self.versions)

    def notices(self) -> list[str]:
        """One short Dutch line naming the applicable texts that the corpus does not hold."""
        if not self.missing:
            return []
        names = [d.label for d in self.missing]
        # "Circulaire … 2019, 2023 en 2026": a shared leading part is said once
        common = names[0][: len(os.path.commonprefix(names))].rpartition(" ")[0] if len(names) > 1 else ""
        tails = [n[len(common):].strip() for n in names] if common else names
        listed = (common + " " if common else "") + ", ".join(tails[:-1]) + (" en " if len(tails) > 1 else "") + tails[-1]
        if self.date is None:
            many = len(names) > 1
            return [f"Er {'zijn nieuwere edities' if many else 'is een nieuwere editie'} zonder tekst in het corpus: {listed}."]
        return [f"Op {self.date.isoformat()} gold {listed}; de tekst daarvan zit niet in het corpus."]


# --- corpus: citation tree -------------------------------------------------------------


@dataclass(frozen=True)
class Footnote(_Record):
    label: str
    text: str


@dataclass(frozen=True)
class Reference(_Record):
    """A citation a passage makes: ``text`` as written, resolved where the target is held."""

    text: str
    target_doc: str | None = None
    target_ref: str | None = None
    bwb_id: str | None = None
    source: str = "text"  # "link" (markdown link target) or "text" (recognised in prose)


@dataclass(frozen=True)
class Section(_Record):
    """A heading of a version: a citation unit (``ref``) with its heading path."""

    doc: str
    version: str
    ref: str
    number: str
    heading: str
    level: int
    path: tuple[str, ...]
    parent_ref: str | None
    order: int

    @property
    def id(self) -> str:
        return ids.section_id(self.doc, self.version, self.ref)


@dataclass(frozen=True)
class Passage(_Record):
    """The unit of retrieval and citation: a paragraph-sized piece of one section."""

    id: str
    doc: str
    version: str
    ref: str
    n: int
    text: str
    path: tuple[str, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    references: tuple[Reference, ...] = ()
    order: int = 0
    #: Juriconnect id of the article or member (from the BWB XML), "" when the text has none.
    jci: str = ""
    #: Deep link to the text on wetten.overheid.nl / officielebekendmakingen.nl ("" if none).
    url: str = ""

    @property
    def iri(self) -> str:
        return ids.passage_iri(self.id)

    @property
    def title(self) -> str:
        """Citation title: the heading path, e.g. ``4 Uitgelicht: Decentraal domein › 4.2 Taken …``."""
        return " › ".join(self.path)

    @property
    def version_id(self) -> str:
        return ids.version_id(self.doc, self.version)


@dataclass(frozen=True)
class ParsedVersion(_Record):
    doc: str
    version: str
    title: str
    sections: tuple[Section, ...]
    passages: tuple[Passage, ...]

    @property
    def id(self) -> str:
        return ids.version_id(self.doc, self.version)


@dataclass(frozen=True)
class LegalBasis(_Record):
    """A dated legal-basis relation of the BWB *wetstechnische informatie* (WTI).

    The provision ``ref`` of ``doc`` (``""``: the regulation as a whole) is the basis
    (``grondslag-voor``) or the statutory power (``wettelijke-bevoegdheid-voor``) of the
    regulation ``target`` during ``valid_from`` … ``valid_to``.
    """

    doc: str
    ref: str
    relation: str
    target: str
    target_title: str = ""
    valid_from: date | None = None
    valid_to: date | None = None


# --- corpus: adding official texts ----------------------------------------------------------


@dataclass(frozen=True)
class AddedFile(_Record):
    """One file ``kennis corpus add`` read: what it is and where it went."""

    source: str
    format: str
    doc: str
    version: str = ""
    path: str = ""
    status: str = "added"  # added | unchanged | updated (a newer WTI) | skipped
    note: str = ""


@dataclass(frozen=True)
class AddResult(_Record):
    files: tuple[AddedFile, ...]
    manifest: str
    changed: bool


@dataclass(frozen=True)
class Update(_Record):
    """A newer consolidated text (toestand) of a manifest document, found by the SRU search."""

    doc: str
    title: str
    valid_from: date | None
    valid_to: date | None
    held: str  # latest version held, "" when none
    toestand_url: str
    manifest_url: str = ""
    wti_url: str = ""
    status: str = "available"  # available | added


@dataclass(frozen=True)
class UpdatesResult(_Record):
    since: date | None
    checked: tuple[str, ...]
    updates: tuple[Update, ...]
    added: AddResult | None = None


# --- search ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit(_Record):
    """One search result, best first in :class:`SearchResult`."""

    id: str
    doc: str
    version: str
    ref: str
    title: str
    score: float
    text: str
    snippet: str = ""
    doc_title: str = ""
    url: str = ""

    @property
    def iri(self) -> str:
        return ids.passage_iri(self.id)


@dataclass(frozen=True)
class SearchResult(_Record):
    query: str
    date: date | None
    hits: tuple[Hit, ...]
    notices: tuple[str, ...] = ()


# --- graph ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRef(_Record):
    """A passage that states a fact, with the words that state it."""

    doc: str
    version: str
    ref: str
    quote: str
    passage: str = ""  # passage id
    url: str = ""

    @property
    def iri(self) -> str:
        return ids.passage_iri(self.passage)


@dataclass(frozen=True)
class ActorRef(_Record):
    iri: str
    label: str
    alt_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Competence(_Record):
    """A reified competence statement: who may/must do what, where, on which basis."""

    iri: str
    actor: ActorRef
    action: str
    object: str
    domain: str = ""
    condition: str = ""
    modality: str = ""
    legal_basis: tuple[str, ...] = ()
    on_behalf_of: str = ""
    editions: tuple[str, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class ActorCard(_Record):
    iri: str
    label: str
    alt_labels: tuple[str, ...] = ()
    label_en: str = ""
    definition: str = ""
    types: tuple[str, ...] = ()
    parents: tuple[ActorRef, ...] = ()
    children: tuple[ActorRef, ...] = ()
    acts_on_behalf_of: tuple[ActorRef, ...] = ()
    competences: tuple[Competence, ...] = ()
    date: date | None = None
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table(_Record):
    """A tabular SPARQL result (SELECT: columns and rows; ASK: ``boolean``)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    boolean: bool | None = None


@dataclass(frozen=True)
class LintFinding(_Record):
    """A curated statement or mandate that may not say what its quotes say."""

    kind: str  # one of kennis.graph.lint.KINDS
    owner: str  # competence or mandate id
    message: str
    doc: str = ""
    ref: str = ""


# --- answers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source(_Record):
    doc: str
    version: str
    ref: str
    quote: str
    passage: str = ""
    title: str = ""
    url: str = ""


@dataclass(frozen=True)
class ExplanationStep(_Record):
    """One edge of the path that justifies an answer (actor → statement → passage)."""

    subject: str
    predicate: str
    object: str
    subject_label: str = ""
    object_label: str = ""


@dataclass(frozen=True)
class PathStep(_Record):
    """One step of the path a situation is reasoned along: domain → gezag → decision → execution."""

    step: str  # Dutch name of the step: "domein", "gezag", "besluit over maatregelen", "uitvoering"
    label: str  # what holds at this step, in Dutch ("decentraal domein", the statement)
    actor: ActorRef | None = None
    source: Source | None = None
    statement: str = ""  # IRI of the curated statement the step rests on
    action: str = ""  # its action (Dutch label)


@dataclass(frozen=True)
class Answer(_Record):
    question: str
    answer: str
    kind: str
    actors: tuple[ActorRef, ...] = ()
    sources: tuple[Source, ...] = ()
    explanation: tuple[ExplanationStep, ...] = ()
    date: date | None = None
    notices: tuple[str, ...] = ()
    answered: bool = True
    entities: tuple[str, ...] = field(default=())
    path: tuple[PathStep, ...] = ()


# --- curation across editions (kennis.curate) ----------------------------------------------


@dataclass(frozen=True)
class CarriedStatement(_Record):
    """Where a newer edition states a curated statement (``to`` is ``None`` when it is gone).

    ``status``: ``same`` (same ref, same words), ``reworded`` (same ref, other words),
    ``moved`` (another ref) or ``gone``; ``similarity`` of the two quotes, 0..1.
    """

    statement: str
    kind: str  # "competence" or "mandate"
    source: SourceRef  # "from" in JSON
    target: SourceRef | None  # "to" in JSON
    status: str
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {"statement": self.statement, "kind": self.kind, "from": self.source.to_dict(),
                "to": self.target.to_dict() if self.target else None, "status": self.status,
                "similarity": self.similarity}


@dataclass(frozen=True)
class ProposedStatement(_Record):
    """A candidate competence statement read from an edition's text, for a reviewer.

    ``actor``, ``action``, ``object`` and ``domain`` are ids of the curated ABox (an actor
    the graph lacks is proposed in :attr:`new_actor`); ``source`` is the verbatim sentence.
    """

    id: str
    actor: str
    action: str
    object: str
    source: SourceRef
    confidence: float
    cue: str
    domain: str = ""
    condition: str = ""
    modality: str = ""
    label: str = ""
    new_actor: "ProposedActor | None" = None

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "actor_iri": ids.iri("actor", self.actor)}


@dataclass(frozen=True)
class ProposedActor(_Record):
    """An actor that an edition introduces and the graph lacks."""

    id: str
    label: str
    type: str
    source: SourceRef


@dataclass(frozen=True)
class CompetenceChange(_Record):
    """One competence of an actor compared across two editions.

    ``status``: ``gelijk``, ``gewijzigd`` (other wording or place), ``nieuw`` (only in the
    newer edition) or ``vervallen`` (only in the older one). ``aligned`` is true when a
    side was found by aligning the texts rather than curated.
    """

    statement: str  # statement IRI
    label: str
    status: str
    before: SourceRef | None
    after: SourceRef | None
    similarity: float
    aligned: bool = False


@dataclass(frozen=True)
class ActorChanges(_Record):
    """What changed for one actor between two editions (``doc/version`` ids), older first."""

    actor: ActorRef
    before: str
    after: str
    changes: tuple[CompetenceChange, ...] = ()

    def counts(self) -> dict[str, int]:
        out = {"gelijk": 0, "gewijzigd": 0, "nieuw": 0, "vervallen": 0}
        for c in self.changes:
            out[c.status] = out.get(c.status, 0) + 1
        return out
