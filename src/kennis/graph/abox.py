"""The curated ABox: actors, concepts, competence statements and mandates.

The curation lives in ``ontology/abox/*.toml`` (read with stdlib ``tomllib``) and is
compiled to RDF at build time. Every source of a statement is a citation plus the
verbatim words that state it; :func:`resolve_sources` finds the passage that holds
them, so the graph cites passage ids, never free text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from kennis.config import REPO_ROOT
from kennis.errors import NotFoundError, ValidationError

#: The folder of the hand-written ontology (TBox, shapes, ABox sources).
ONTOLOGY_DIR = REPO_ROOT / "ontology"

ACTOR_TYPES = ("Organisation", "Unit", "Functionary", "ConsultativeBody", "Body", "Collective", "Party")
SCHEMES = {
    "domain": ("Domain", "domeinen", "domains"),
    "action": ("Action", "handelingen", "actions"),
    "measure": ("Measure", "maatregelen (glijdende schaal)", "measures (sliding scale)"),
    "product": ("InformationProduct", "informatieproducten", "information products"),
    "list": ("ListConcept", "limitatieve lijst", "exhaustive list"),
    "threat": ("ThreatConcept", "dreiging en risico", "threat and risk"),
    "task": ("Task", "taken en procedures", "tasks and procedures"),
}

_WS = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([.,;:)!?])")


def norm_text(text: str) -> str:
    """Whitespace-normalised text used to compare quotes with passages."""
    return _SPACE_BEFORE_PUNCT.sub(r"\1", _WS.sub(" ", text).strip())


@dataclass(frozen=True)
class SourceSpec:
    """A source as curated: citation (doc, ref, optional version) and the quote."""

    doc: str
    ref: str
    quote: str
    version: str | None = None


@dataclass(frozen=True)
class ActorSpec:
    id: str
    type: str
    nl: str
    en: str = ""
    alt: tuple[str, ...] = ()
    definition: str = ""
    parent: tuple[str, ...] = ()
    member: tuple[str, ...] = ()
    held_by: str = ""
    succeeded_by: str = ""
    source: tuple[str, ...] = ()
    nolink: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConceptSpec:
    id: str
    scheme: str
    nl: str
    en: str = ""
    alt: tuple[str, ...] = ()
    definition: str = ""
    broader: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    nolink: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompetenceSpec:
    id: str
    actor: str
    action: str
    object: str
    label: str = ""
    domain: str = ""
    condition: str = ""
    modality: str = ""
    addressee: str = ""
    on_behalf_of: str = ""
    legal_basis: tuple[tuple[str, str], ...] = ()
    sources: tuple[SourceSpec, ...] = ()
    #: lint kinds a curator has checked by hand and found not to apply: (kind, reason)
    lint_ok: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MandateSpec:
    id: str
    mandator: str
    mandatary: str
    label: str = ""
    sources: tuple[SourceSpec, ...] = ()
    lint_ok: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Curation:
    """Everything curated by hand, as read from the TOML files."""

    actors: tuple[ActorSpec, ...] = ()
    concepts: tuple[ConceptSpec, ...] = ()
    competences: tuple[CompetenceSpec, ...] = ()
    mandates: tuple[MandateSpec, ...] = ()

    @property
    def actor_ids(self) -> frozenset[str]:
        return frozenset(a.id for a in self.actors)

    @property
    def concept_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.concepts)


@dataclass(frozen=True)
class ResolvedSource:
    """A source found in the corpus: the passage that holds the quote."""

    owner: str  # competence or mandate id
    doc: str
    version: str
    ref: str
    quote: str
    passage: str
    passage_ref: str


@dataclass
class Resolution:
    """Sources resolved to passages, and the problems met while resolving them."""

    sources: dict[str, list[ResolvedSource]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _sources(raw: Iterable[Any], aliases: dict[str, str], where: str) -> tuple[SourceSpec, ...]:
    out = []
    doc: str
    ref: str
    quote: str
    version: str | None
    for s in raw:
        if isinstance(s, dict):
            doc, ref, quote, version = s.get("doc", ""), s.get("ref", ""), s.get("quote", ""), s.get("version")
        else:
            if len(s) < 3:
                raise ValidationError(f"{where}: a source needs [doc, ref, quote], got {s!r}")
            doc, ref, quote = s[0], s[1], s[2]
            version = s[3] if len(s) > 3 else None
        out.append(SourceSpec(aliases.get(doc, doc), ref, quote, version))
    return tuple(out)


def _lint_ok(raw: Any, where: str) -> tuple[tuple[str, str], ...]:
    # An acknowledgement without a reason would silence the lint for nothing checkable.
    if not isinstance(raw, dict) or any(not isinstance(v, str) or not v.strip() for v in raw.values()):
        raise ValidationError(f"{where}: lint_ok must be a table of lint kind = \"reason\"")
    return tuple(sorted(raw.items()))


def load_curation(folder: Path | None = None) -> Curation:
    """Read every ``*.toml`` of the ABox folder (``ontology/abox`` by default)."""
    folder = folder or ONTOLOGY_DIR / "abox"
    actors: list[ActorSpec] = []
    concepts: list[ConceptSpec] = []
    competences: list[CompetenceSpec] = []
    mandates: list[MandateSpec] = []
    extra_sources: list[tuple[str, tuple[SourceSpec, ...], str]] = []
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise ValidationError(f"no ABox sources (*.toml) in {folder}")
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError(f"{path.name}: invalid TOML: {exc}") from exc
        aliases = data.get("aliases", {})
        for a in _accepted(data, "actor", path.name):
            actors.append(ActorSpec(
                id=a["id"], type=a.get("type", ""), nl=a.get("nl", ""), en=a.get("en", ""),
                alt=_tuple(a.get("alt")), definition=a.get("definition", ""), parent=_tuple(a.get("parent")),
                member=_tuple(a.get("member")), held_by=a.get("held_by", ""), succeeded_by=a.get("succeeded_by", ""),
                source=_tuple(a.get("source")), nolink=_tuple(a.get("nolink")),
            ))
        for c in _accepted(data, "concept", path.name):
            concepts.append(ConceptSpec(
                id=c["id"], scheme=c.get("scheme", ""), nl=c.get("nl", ""), en=c.get("en", ""),
                alt=_tuple(c.get("alt")), definition=c.get("definition", ""), broader=_tuple(c.get("broader")),
                source=_tuple(c.get("source")), nolink=_tuple(c.get("nolink")),
            ))
        for c in _accepted(data, "competence", path.name):
            where = f"{path.name}: competence {c.get('id', '?')}"
            competences.append(CompetenceSpec(
                id=c["id"], actor=c.get("actor", ""), action=c.get("action", ""), object=c.get("object", ""),
                label=c.get("label", ""), domain=c.get("domain", ""), condition=c.get("condition", ""),
                modality=c.get("modality", ""), addressee=c.get("addressee", ""),
                on_behalf_of=c.get("on_behalf_of", ""),
                legal_basis=tuple((aliases.get(d, d), r) for d, r in c.get("legal_basis", [])),
                sources=_sources(c.get("src", c.get("sources", [])), aliases, where),
                lint_ok=_lint_ok(c.get("lint_ok", {}), where),
            ))
        for m in _accepted(data, "mandate", path.name):
            where = f"{path.name}: mandate {m.get('id', '?')}"
            mandates.append(MandateSpec(
                id=m["id"], mandator=m.get("mandator", ""), mandatary=m.get("mandatary", ""),
                label=m.get("label", ""), sources=_sources(m.get("src", []), aliases, where),
                lint_ok=_lint_ok(m.get("lint_ok", {}), where),
            ))
        for e in _accepted(data, "source", path.name):
            extra_sources.append((e.get("statement", ""), _sources(e.get("src", []), aliases, f"{path.name}: source"),
                                  path.name))
    _check_unique("actor", [a.id for a in actors] + [c.id for c in concepts])
    _check_unique("competence", [c.id for c in competences])
    _check_unique("mandate", [m.id for m in mandates])
    competences, mandates = _add_sources(competences, mandates, extra_sources)
    return Curation(tuple(actors), tuple(concepts), tuple(competences), tuple(mandates))


#: ``status`` of an entry of a draft ABox file (``kennis graph review``): only accepted
#: entries (and those without a status: everything curated by hand) enter the graph.
REVIEW_STATUSES = ("accepted", "proposed", "rejected")


def _accepted(data: dict[str, Any], kind: str, where: str) -> list[dict[str, Any]]:
    out = []
    for e in data.get(kind, []):
        status = e.get("status", "accepted")
        if status not in REVIEW_STATUSES:
            raise ValidationError(f"{where}: {kind} {e.get('id', e.get('statement', '?'))}: status must be one of "
                                  f"{', '.join(REVIEW_STATUSES)}, got {status!r}")
        if status == "accepted":
            out.append(e)
    return out


def _add_sources(
    competences: list[CompetenceSpec], mandates: list[MandateSpec],
    extra: list[tuple[str, tuple[SourceSpec, ...], str]],
) -> tuple[list[CompetenceSpec], list[MandateSpec]]:
    """Accepted ``[[source]]`` entries (a statement carried to a new edition) join their statement."""
    from dataclasses import replace

    comp = {c.id: i for i, c in enumerate(competences)}
    mand = {m.id: i for i, m in enumerate(mandates)}
    for owner, sources, where in extra:
        if owner in comp:
            c = competences[comp[owner]]
            competences[comp[owner]] = replace(c, sources=c.sources + sources)
        elif owner in mand:
            m = mandates[mand[owner]]
            mandates[mand[owner]] = replace(m, sources=m.sources + sources)
        else:
            raise ValidationError(f"{where}: source for an unknown statement or mandate {owner!r}")
    return competences, mandates


def _check_unique(kind: str, keys: list[str]) -> None:
    seen: set[str] = set()
    dups = sorted({k for k in keys if k in seen or seen.add(k)})  # type: ignore[func-returns-value]
    if dups:
        raise ValidationError(f"duplicate {kind} ids in the ABox: {', '.join(dups)}")


def _quote_in(quote: str, passage: Any) -> bool:
    q = norm_text(quote)
    if q in norm_text(passage.text):
        return True
    # Footnotes belong to their passage (e.g. 3.2.5 of the 2015 edition states the
    # AIVD's exclusive task in a footnote).
    return any(q in norm_text(fn.text) for fn in passage.footnotes)


def resolve_sources(curation: Curation, corpus: Any) -> Resolution:
    """Find, for every source of every statement and mandate, the passage holding its quote.

    A source without ``version`` is looked up in every version of its document that the
    corpus holds; it resolves in each version whose unit contains the quote. A source
    resolves nowhere when its unit does not exist (the passage does not exist) or no
    passage of the unit contains the quote: both are recorded as problems that name the
    statement.
    """
    res = Resolution()
    owners: list[tuple[str, str, tuple[SourceSpec, ...]]] = [
        ("competence", c.id, c.sources) for c in curation.competences
    ] + [("mandate", m.id, m.sources) for m in curation.mandates]
    for kind, owner, sources in owners:
        found: list[ResolvedSource] = []
        if not sources:
            res.problems.append(f"{kind} {owner!r}: has no source")
        for s in sources:
            versions = _versions_of(corpus, s.doc, s.version)
            if not versions:
                res.problems.append(
                    f"{kind} {owner!r}: source passage does not exist: document {s.doc!r}"
                    f"{' version ' + s.version if s.version else ''} is not in the corpus"
                )
                continue
            unit_found = False
            hit = False
            for version in versions:
                try:
                    passages = corpus.unit(s.doc, s.ref, version)
                except NotFoundError:
                    continue
                unit_found = True
                for p in passages:
                    if _quote_in(s.quote, p):
                        found.append(ResolvedSource(owner, s.doc, version, s.ref, s.quote, p.id, p.ref))
                        hit = True
                        break
            if not unit_found:
                res.problems.append(
                    f"{kind} {owner!r}: source passage does not exist: {s.doc} {s.ref!r} "
                    f"(versions {', '.join(versions)})"
                )
            elif not hit:
                res.problems.append(
                    f"{kind} {owner!r}: quote does not occur in {s.doc} {s.ref!r}: \u201c{_short(s.quote)}\u201d"
                )
        res.sources[owner] = found
    return res


def _short(text: str, n: int = 90) -> str:
    text = norm_text(text)
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _versions_of(corpus: Any, doc: str, version: str | None) -> list[str]:
    held = sorted(v.version for v in corpus.versions.values() if v.doc == doc)
    if version is not None:
        return [version] if version in held else []
    return held
