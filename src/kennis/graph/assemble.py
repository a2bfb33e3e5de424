"""Assemble the graph: TBox (``ontology/kennis.ttl``), compiled ABox and the corpus graph.

The corpus graph describes every document, version, section and passage as ELI
resources with their citation (doc, version, ref), a Juriconnect-style identifier and
the wetten.overheid.nl URL, the cross-references as ``eli:cites`` and the actors and
concepts each passage mentions (``kb:mentions``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from kennis import ids
from kennis.corpus import norm_ref
from kennis.corpus.links import WETTEN, jci, wetten_url
from kennis.graph.abox import ONTOLOGY_DIR, SCHEMES, Curation, Resolution
from kennis.text import is_abbreviation
from kennis.graph.vocab import (
    ELI, KB, actor_iri, competence_iri, concept_iri, doc_iri, evidence_iri, mandate_iri, passage_iri,
    scheme_iri, section_iri, version_iri,
)

_TYPE_ALIASES = {"Body": "ConsultativeBody"}


def load_tbox(path: Path | None = None) -> Graph:
    """The hand-written ontology."""
    g = Graph()
    g.parse(path or ONTOLOGY_DIR / "kennis.ttl", format="turtle")
    return g


def load_shapes(path: Path | None = None) -> Graph:
    g = Graph()
    g.parse(path or ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    return g


# --- identifiers of legal sources ------------------------------------------------------------


# jci and wetten_url live in kennis.corpus.links (imported above), the one home of source links.


# --- ABox -------------------------------------------------------------------------------------


def _lit(text: str, lang: str = "nl") -> Literal:
    return Literal(text, lang=lang)


def _ref_iri(curation: Curation, local: str) -> URIRef | None:
    if not local:
        return None
    if local in curation.actor_ids:
        return actor_iri(local)
    if local in curation.concept_ids:
        return concept_iri(local)
    return None


def _first_passage(corpus: Any, doc: str, ref: str) -> URIRef | None:
    try:
        ps = corpus.unit(doc, ref)
    except Exception:  # noqa: BLE001 - a missing definition source only drops dcterms:source
        return None
    return passage_iri(ps[0].id) if ps else None


def _latest_version(corpus: Any, doc: str) -> str | None:
    held = sorted(v.version for v in corpus.versions.values() if v.doc == doc)
    return held[-1] if held else None


def abox_graph(curation: Curation, resolution: Resolution, corpus: Any) -> Graph:
    """Compile the curation to RDF. Unknown ids are left out, so SHACL reports them."""
    g = Graph()
    for key, (cls, nl, en) in SCHEMES.items():
        s = scheme_iri(key)
        g.add((s, RDF.type, SKOS.ConceptScheme))
        g.add((s, RDFS.label, _lit(nl)))
        g.add((s, RDFS.label, _lit(en, "en")))
        g.add((s, SKOS.prefLabel, _lit(nl)))
        g.add((s, SKOS.prefLabel, _lit(en, "en")))

    for a in curation.actors:
        s = actor_iri(a.id)
        g.add((s, RDF.type, KB[_TYPE_ALIASES.get(a.type, a.type)] if a.type else KB.Actor))
        g.add((s, RDF.type, KB.Actor))
        for p in (SKOS.prefLabel, RDFS.label):
            g.add((s, p, _lit(a.nl)))
            if a.en:
                g.add((s, p, _lit(a.en, "en")))
        for alt in a.alt:
            g.add((s, SKOS.altLabel, _lit(alt)))
        if a.definition:
            g.add((s, SKOS.definition, _lit(a.definition)))
        for parent in a.parent:
            if parent in curation.actor_ids:
                rel = ORG.postIn if a.type == "Functionary" else ORG.subOrganizationOf
                g.add((s, rel, actor_iri(parent)))
        for m in a.member:
            if m in curation.actor_ids:
                g.add((s, ORG.hasMember, actor_iri(m)))
        if a.held_by in curation.actor_ids:
            g.add((s, KB.functionHeldBy, actor_iri(a.held_by)))
            g.add((actor_iri(a.held_by), KB.holdsFunction, s))
        if a.succeeded_by in curation.actor_ids:
            g.add((s, KB.succeededBy, actor_iri(a.succeeded_by)))
            g.add((actor_iri(a.succeeded_by), KB.succeeds, s))
        if len(a.source) >= 2 and (src := _first_passage(corpus, a.source[0], a.source[1])):
            g.add((s, DCTERMS.source, src))

    for c in curation.concepts:
        s = concept_iri(c.id)
        g.add((s, RDF.type, SKOS.Concept))
        if c.scheme in SCHEMES:
            g.add((s, RDF.type, KB[SCHEMES[c.scheme][0]]))
            g.add((s, SKOS.inScheme, scheme_iri(c.scheme)))
        for p in (SKOS.prefLabel, RDFS.label):
            g.add((s, p, _lit(c.nl)))
            if c.en:
                g.add((s, p, _lit(c.en, "en")))
        for alt in c.alt:
            g.add((s, SKOS.altLabel, _lit(alt)))
        if c.definition:
            g.add((s, SKOS.definition, _lit(c.definition)))
        for b in c.broader:
            if b in curation.concept_ids:
                g.add((s, SKOS.broader, concept_iri(b)))
                g.add((concept_iri(b), SKOS.narrower, s))
        if len(c.source) >= 2 and (src := _first_passage(corpus, c.source[0], c.source[1])):
            g.add((s, DCTERMS.source, src))

    for cp in curation.competences:
        s = competence_iri(cp.id)
        g.add((s, RDF.type, KB.Competence))
        if cp.label:
            g.add((s, RDFS.label, _lit(cp.label)))
            g.add((s, SKOS.prefLabel, _lit(cp.label)))
        if cp.actor in curation.actor_ids:
            g.add((s, KB.actor, actor_iri(cp.actor)))
        if cp.action in curation.concept_ids:
            g.add((s, KB.action, concept_iri(cp.action)))
        if (o := _ref_iri(curation, cp.object)) is not None:
            g.add((s, KB.object, o))
        if cp.domain in curation.concept_ids:
            g.add((s, KB.inDomain, concept_iri(cp.domain)))
        if cp.addressee in curation.actor_ids:
            g.add((s, KB.addressee, actor_iri(cp.addressee)))
        if cp.on_behalf_of in curation.actor_ids:
            g.add((s, KB.onBehalfOf, actor_iri(cp.on_behalf_of)))
        if cp.condition:
            g.add((s, KB.condition, _lit(cp.condition)))
        if cp.modality:
            g.add((s, KB.modality, _lit(cp.modality)))
        for doc, ref in cp.legal_basis:
            version = _latest_version(corpus, doc)
            g.add((s, KB.legalBasis, section_iri(doc, version, ref) if version else doc_iri(doc)))
        _add_evidence(g, s, cp.id, resolution.sources.get(cp.id, []), KB.hasEvidence)

    for md in curation.mandates:
        s = mandate_iri(md.id)
        g.add((s, RDF.type, KB.Mandate))
        g.add((s, RDF.type, PROV.Delegation))
        if md.label:
            g.add((s, RDFS.label, _lit(md.label)))
        if md.mandator in curation.actor_ids:
            g.add((s, KB.mandator, actor_iri(md.mandator)))
            g.add((s, PROV.agent, actor_iri(md.mandator)))
        if md.mandatary in curation.actor_ids:
            g.add((s, KB.mandatary, actor_iri(md.mandatary)))
            g.add((actor_iri(md.mandatary), PROV.qualifiedDelegation, s))
        if md.mandator in curation.actor_ids and md.mandatary in curation.actor_ids:
            g.add((actor_iri(md.mandatary), KB.mandatedBy, actor_iri(md.mandator)))
            # Entailed by kb:mandatedBy ⊑ kb:actsOnBehalfOf; asserted so that plain SPARQL
            # sees direct mandates, while chains (CBB → … → minister) come from HermiT.
            g.add((actor_iri(md.mandatary), KB.actsOnBehalfOf, actor_iri(md.mandator)))
            g.add((actor_iri(md.mandator), KB.mandates, actor_iri(md.mandatary)))
        _add_evidence(g, s, md.id, resolution.sources.get(md.id, []), KB.mandateEvidence)
    return g


def _add_evidence(g: Graph, owner: URIRef, local: str, sources: list[Any], prop: URIRef) -> None:
    for n, src in enumerate(sources, start=1):
        e = evidence_iri(local, n)
        p = passage_iri(src.passage)
        g.add((owner, prop, e))
        g.add((e, RDF.type, KB.Evidence))
        g.add((e, KB.passage, p))
        g.add((e, KB.quote, Literal(src.quote)))
        g.add((e, KB.doc, Literal(src.doc)))
        g.add((e, KB.version, Literal(src.version)))
        g.add((e, KB.ref, Literal(src.passage_ref)))
        if prop == KB.hasEvidence:
            g.add((owner, KB.statedIn, p))
            g.add((owner, KB.edition, doc_iri(src.doc)))


# --- corpus graph --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LexiconEntry:
    """A surface form that names an actor or concept."""

    term: str
    iri: str
    kind: str  # "actor" or "concept"
    label: str
    case_sensitive: bool


def lexicon_from_curation(curation: Curation, *, for_linking: bool = False) -> list[LexiconEntry]:
    """Labels and alternative labels of actors and concepts → IRI (the action scheme excluded)."""
    out: list[LexiconEntry] = []
    items: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = [
        (str(actor_iri(a.id)), "actor", a.nl, (a.nl, a.en, *a.alt), a.nolink) for a in curation.actors
    ] + [
        (str(concept_iri(c.id)), "concept", c.nl, (c.nl, c.en, *c.alt), c.nolink)
        for c in curation.concepts if c.scheme != "action"
    ]
    for iri, kind, label, terms, nolink in items:
        for t in dict.fromkeys(x for x in terms if x):
            if for_linking and t in nolink:
                continue
            out.append(LexiconEntry(t, iri, kind, label, is_abbreviation(t)))
    return out


class MentionLinker:
    """Finds the actors and concepts a text mentions (labels, abbreviations, inflections)."""

    _SUFFIX = r"(?:s|en|n|e|\u2019s|'s)?"

    def __init__(self, entries: Iterable[LexiconEntry]) -> None:
        self._cs: dict[str, set[str]] = {}
        self._ci: dict[str, set[str]] = {}
        for e in entries:
            if e.case_sensitive:
                self._cs.setdefault(e.term, set()).add(e.iri)
            else:
                self._ci.setdefault(e.term.lower(), set()).add(e.iri)
        self._re_cs = self._compile(self._cs, False, r"(?:\u2019s|'s)?")
        self._re_ci = self._compile(self._ci, True, self._SUFFIX)

    @staticmethod
    def _compile(terms: dict[str, set[str]], ignore_case: bool, suffix: str) -> re.Pattern[str] | None:
        if not terms:
            return None
        alts = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        return re.compile(rf"(?<![\w&-])({alts}){suffix}(?![\w&])", re.IGNORECASE if ignore_case else 0)

    def __call__(self, text: str) -> set[str]:
        found: set[str] = set()
        if self._re_cs:
            for m in self._re_cs.finditer(text):
                found |= self._cs.get(m.group(1), set())
        if self._re_ci:
            for m in self._re_ci.finditer(text):
                found |= self._ci.get(m.group(1).lower(), set())
        return found


def corpus_graph(corpus: Any, linker: MentionLinker | None = None) -> Graph:
    """Documents, versions, sections and passages as ELI resources, with citations and links."""
    g = Graph()
    manifest = corpus.manifest
    latest: dict[str, str] = {}
    sections_by_doc: dict[str, dict[str, URIRef]] = {}
    for pv in sorted(corpus.versions.values(), key=lambda v: (v.doc, v.version)):
        latest[pv.doc] = pv.version
        sections_by_doc[pv.doc] = {norm_ref(s.ref): section_iri(pv.doc, pv.version, s.ref) for s in pv.sections}

    for work_id, work in manifest.works.items():
        w = URIRef(ids.iri("work", work_id))
        g.add((w, RDF.type, ELI.LegalResource))
        g.add((w, ELI.title, _lit(work.title)))
        g.add((w, RDFS.label, _lit(work.title)))

    for info in manifest.documents.values():
        d = doc_iri(info.id)
        g.add((d, RDF.type, KB.Document))
        g.add((d, RDF.type, ELI.LegalResource))
        g.add((d, ELI.title, _lit(info.title)))
        g.add((d, RDFS.label, _lit(info.label)))
        if info.short_title:
            g.add((d, ELI.title_short, _lit(info.short_title)))
        g.add((d, ELI.id_local, Literal(info.id)))
        g.add((d, KB.doc, Literal(info.id)))
        g.add((d, DCTERMS.type, Literal(info.kind)))
        if info.issuer:
            g.add((d, ELI.passed_by, _lit(info.issuer)))
        if info.work:
            g.add((d, DCTERMS.isVersionOf, URIRef(ids.iri("work", info.work))))
        if info.valid_from:
            g.add((d, ELI.first_date_entry_in_force, Literal(info.valid_from, datatype=XSD.date)))
        if info.valid_to:
            g.add((d, ELI.date_no_longer_in_force, Literal(info.valid_to, datatype=XSD.date)))
        if info.supersedes:
            g.add((d, ELI.repeals, doc_iri(info.supersedes)))
        if info.about:
            g.add((d, ELI.is_about, doc_iri(info.about)))
        if (ident := jci(info.id)) is not None:
            g.add((d, KB.jci, Literal(ident)))
        url = info.url or wetten_url(info.id)
        if url:
            g.add((d, KB.wettenUrl, Literal(url, datatype=XSD.anyURI)))

    for pv in corpus.versions.values():
        v = version_iri(pv.doc, pv.version)
        g.add((v, RDF.type, KB.Version))
        g.add((v, RDF.type, ELI.LegalExpression))
        g.add((v, ELI.realizes, doc_iri(pv.doc)))
        g.add((doc_iri(pv.doc), ELI.is_realized_by, v))
        g.add((v, ELI.version_date, Literal(pv.version, datatype=XSD.date)))
        g.add((v, KB.doc, Literal(pv.doc)))
        g.add((v, KB.version, Literal(pv.version)))
        g.add((v, RDFS.label, _lit(f"{pv.title} ({pv.version})")))
        if (ident := jci(pv.doc, "", pv.version)) is not None:
            g.add((v, KB.jci, Literal(ident)))
            g.add((v, KB.wettenUrl, Literal(WETTEN + ident, datatype=XSD.anyURI)))
        for s in pv.sections:
            si = section_iri(pv.doc, pv.version, s.ref)
            g.add((si, RDF.type, KB.Section))
            g.add((si, RDF.type, ELI.LegalResourceSubdivision))
            parent = section_iri(pv.doc, pv.version, s.parent_ref) if s.parent_ref else v
            g.add((si, ELI.is_part_of, parent))
            g.add((parent, ELI.has_part, si))
            g.add((si, ELI.number, Literal(s.number)))
            if s.heading:
                g.add((si, ELI.title, _lit(s.heading)))
            g.add((si, RDFS.label, _lit(" \u203a ".join(s.path) or s.ref)))
            g.add((si, KB.doc, Literal(pv.doc)))
            g.add((si, KB.version, Literal(pv.version)))
            g.add((si, KB.ref, Literal(s.ref)))
            if (ident := jci(pv.doc, s.ref, pv.version)) is not None:
                g.add((si, KB.jci, Literal(ident)))
                g.add((si, KB.wettenUrl, Literal(WETTEN + ident, datatype=XSD.anyURI)))
        own_sections = sections_by_doc.get(pv.doc, {}) if latest.get(pv.doc) == pv.version else {
            norm_ref(s.ref): section_iri(pv.doc, pv.version, s.ref) for s in pv.sections
        }
        for p in pv.passages:
            pi = passage_iri(p.id)
            g.add((pi, RDF.type, KB.Passage))
            g.add((pi, RDF.type, ELI.LegalResourceSubdivision))
            g.add((pi, ELI.is_part_of, own_sections.get(norm_ref(p.ref), v) if p.ref else v))
            g.add((pi, KB.doc, Literal(p.doc)))
            g.add((pi, KB.version, Literal(p.version)))
            g.add((pi, KB.ref, Literal(p.ref)))
            g.add((pi, KB.passageText, Literal(p.text)))
            g.add((pi, RDFS.label, _lit(p.title or f"{p.doc} {p.ref}".strip())))
            if (ident := p.jci or jci(p.doc, p.ref, p.version)) is not None:
                g.add((pi, KB.jci, Literal(ident)))
            if p.url:
                g.add((pi, KB.wettenUrl, Literal(p.url, datatype=XSD.anyURI)))
            for r in p.references:
                target = _cite_target(r, manifest, latest, sections_by_doc)
                if target is not None:
                    g.add((pi, ELI.cites, target))
            if linker is not None:
                text = p.text + " " + " ".join(fn.text for fn in p.footnotes)
                for iri in linker(text):
                    g.add((pi, KB.mentions, URIRef(iri)))
                    g.add((URIRef(iri), KB.mentionedIn, pi))
    from kennis.graph.legal import legal_basis_graph

    g += legal_basis_graph(corpus, sections_by_doc)
    return g


def _cite_target(r: Any, manifest: Any, latest: dict[str, str], sections: dict[str, dict[str, URIRef]]) -> URIRef | None:
    doc = r.target_doc or r.bwb_id
    if not doc:
        return None
    if doc in manifest.documents:
        if r.target_ref and doc in sections:
            sec = sections[doc].get(norm_ref(r.target_ref))
            if sec is not None:
                return sec
        return doc_iri(doc)
    url = wetten_url(doc)
    return URIRef(url) if url else None
